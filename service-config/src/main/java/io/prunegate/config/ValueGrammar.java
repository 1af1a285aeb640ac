package io.prunegate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of option values shared by every service: durations ({@code 500ms 30s 5m 1h 7d}
 * or ISO-8601 {@code PT1S}), sizes in binary multiples ({@code 1048576 512k 4m 1g 1t}, optionally
 * followed by {@code b} or {@code ib}: {@code 64mb}, {@code 64MiB}), comma-separated lists (blanks
 * dropped), booleans ({@code true/false yes/no on/off 1/0}) and decimal integers. It merges the two
 * grammars the gateway and the registry used to have, accepting every form either accepted (the
 * gateway's took a sign, so {@code -1} parses here too; validators reject what an option cannot
 * use).
 */
public final class ValueGrammar {

  private static final Pattern SIZE = Pattern.compile("([-+]?\\d+)\\s*([kmgt]?)(i?b)?");
  private static final Pattern DURATION = Pattern.compile("([-+]?\\d+)\\s*(ms|s|m|h|d)");

  /** Any text, kept as written. */
  public static final ValueType<String> STRING =
      new ValueType<>("text", s -> s, ValueType.Shape.SCALAR);

  /** A decimal integer. */
  public static final ValueType<Integer> INT =
      new ValueType<>("int", ValueGrammar::integer, ValueType.Shape.SCALAR);

  /** A duration, see {@link #duration}. */
  public static final ValueType<Duration> DURATION_TYPE =
      new ValueType<>("duration", ValueGrammar::duration, ValueType.Shape.SCALAR);

  /** A size in bytes, see {@link #bytes}. */
  public static final ValueType<Long> SIZE_TYPE =
      new ValueType<>("size", ValueGrammar::bytes, ValueType.Shape.SCALAR);

  /** A boolean switch, see {@link #bool}. */
  public static final ValueType<Boolean> BOOLEAN =
      new ValueType<>("boolean", ValueGrammar::bool, ValueType.Shape.SWITCH);

  /** A boolean switch that also has a {@code --no-} form. */
  public static final ValueType<Boolean> NEGATABLE_BOOLEAN =
      new ValueType<>("boolean", ValueGrammar::bool, ValueType.Shape.NEGATABLE_SWITCH);

  /** A decimal number such as {@code 0.25}. */
  public static final ValueType<Double> DOUBLE =
      new ValueType<>("number", ValueGrammar::number, ValueType.Shape.SCALAR);

  /** A comma-separated list; its flag may be repeated. */
  public static final ValueType<List<String>> LIST =
      new ValueType<>("list", ValueGrammar::list, ValueType.Shape.LIST);

  /** A file-system path. */
  public static final ValueType<Path> PATH =
      new ValueType<>("path", Path::of, ValueType.Shape.SCALAR);

  private ValueGrammar() {}

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}, or ISO-8601 {@code PT1H}. */
  public static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (use 500ms, 30s, 5m, 1h, 7d or PT1H)", e);
    }
  }

  /** {@code 1048576}, {@code 512k}, {@code 64m}, {@code 4g}, {@code 1t} (binary multiples). */
  public static long bytes(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a size: '" + text + "' (use a number of bytes or 512k, 64m, 4g)");
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("not a size: '" + text + "' (too large)", e);
    }
  }

  /** {@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}; blank is false. */
  public static boolean bool(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off", "" -> false;
      default -> throw new IllegalArgumentException("not a boolean: '" + text + "'");
    };
  }

  /** A comma-separated list, blanks dropped. */
  public static List<String> list(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** A decimal number, surrounding blanks ignored. */
  public static double number(String text) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a number", e);
    }
  }

  /** A decimal integer, surrounding blanks ignored. */
  public static int integer(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not an integer", e);
    }
  }
}
