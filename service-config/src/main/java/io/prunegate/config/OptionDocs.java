package io.prunegate.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an {@link OptionTable} as the Markdown table of a README (flag | variable | default |
 * description) and splices it between the markers {@code <!-- options:<service>:begin -->} and
 * {@code <!-- options:<service>:end -->}, so the docs are generated from the declarations and a
 * test can compare them.
 */
public final class OptionDocs {

  private OptionDocs() {}

  /** The Markdown table of {@code table}, one row per option, ending with a newline. */
  public static String markdown(OptionTable table) {
    StringBuilder s = new StringBuilder();
    s.append("| flag | variable | default | description |\n");
    s.append("|---|---|---|---|\n");
    for (Option<?> o : table.options()) {
      s.append("| ")
          .append(o.flag() == null ? "" : "`" + o.flag() + "`")
          .append(" | ")
          .append(o.env() == null ? "" : "`" + o.env() + "`")
          .append(" | ")
          .append(o.shownDefault() != null ? o.shownDefault() : code(o.defaultValue()))
          .append(" | ")
          .append(o.description().replace("|", "\\|"))
          .append(" |\n");
    }
    return s.toString();
  }

  /** The default as {@code --help} and the docs show it: literal, computed note or "none". */
  public static String shownDefault(Option<?> o) {
    if (o.shownDefault() != null) {
      return o.shownDefault();
    }
    if (o.defaultValue() == null) {
      return "none";
    }
    return o.defaultValue().isEmpty() ? "\"\"" : o.defaultValue();
  }

  /** The begin marker of {@code service}'s table. */
  public static String beginMarker(String service) {
    return "<!-- options:" + service + ":begin -->";
  }

  /** The end marker of {@code service}'s table. */
  public static String endMarker(String service) {
    return "<!-- options:" + service + ":end -->";
  }

  /** The text between the markers of {@code service} in {@code document}; fails without them. */
  public static String section(String document, String service) {
    Matcher m = markers(service).matcher(document);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "no " + beginMarker(service) + " ... " + endMarker(service) + " section");
    }
    return m.group(2);
  }

  /** {@code document} with {@code service}'s section replaced by the table of {@code table}. */
  public static String splice(String document, OptionTable table) {
    section(document, table.service());
    String replacement =
        beginMarker(table.service()) + "\n" + markdown(table) + endMarker(table.service());
    return markers(table.service())
        .matcher(document)
        .replaceFirst(Matcher.quoteReplacement(replacement));
  }

  private static Pattern markers(String service) {
    return Pattern.compile(
        "(" + Pattern.quote(beginMarker(service)) + ")\\n(.*?)" + Pattern.quote(endMarker(service)),
        Pattern.DOTALL);
  }

  private static String code(String value) {
    return value == null ? "none" : value.isEmpty() ? "`\"\"`" : "`" + value + "`";
  }
}
