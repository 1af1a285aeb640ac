package io.prunegate.events;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reference to a servable model as written in requests: {@code name}, {@code name@alias} or
 * {@code name:version}. A bare name means the {@code champion} alias.
 */
public record ModelRef(String name, String alias, Integer version) {

  /** Model, alias and artifact names: lower case, digits, dot, underscore, dash; 1..128 chars. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

  public static final String CHAMPION = "champion";
  public static final String CHALLENGER = "challenger";
  public static final String SHADOW = "shadow";

  public ModelRef {
    requireName(name, "name");
    if (alias != null && version != null) {
      throw new IllegalArgumentException("a model reference has an alias or a version, not both");
    }
    if (alias != null) {
      requireName(alias, "alias");
    }
    if (version != null && version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
  }

  /** Parses {@code name}, {@code name@alias} or {@code name:version}. */
  public static ModelRef parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty model reference");
    }
    int at = text.indexOf('@');
    int colon = text.indexOf(':');
    if (at >= 0 && colon >= 0) {
      throw new IllegalArgumentException(
          "model reference '" + text + "' has both an alias and a version");
    }
    if (at >= 0) {
      return new ModelRef(text.substring(0, at), text.substring(at + 1), null);
    }
    if (colon >= 0) {
      String v = text.substring(colon + 1);
      if (!v.matches("[0-9]{1,9}")) {
        throw new IllegalArgumentException("model version '" + v + "' is not a positive integer");
      }
      return new ModelRef(text.substring(0, colon), null, Integer.parseInt(v));
    }
    return new ModelRef(text, null, null);
  }

  /** The alias this reference resolves through: its own, or champion for a bare name. */
  public Optional<String> effectiveAlias() {
    if (version != null) {
      return Optional.empty();
    }
    return Optional.of(alias == null ? CHAMPION : alias);
  }

  /** True when {@code text} is a valid model, alias or artifact name. */
  public static boolean isValidName(String text) {
    return text != null && NAME.matcher(text).matches();
  }

  private static void requireName(String value, String what) {
    if (!isValidName(value)) {
      throw new IllegalArgumentException(
          "invalid model " + what + " '" + value + "': must match " + NAME.pattern());
    }
  }

  @Override
  public String toString() {
    if (alias != null) {
      return name + "@" + alias;
    }
    if (version != null) {
      return name + ":" + version;
    }
    return name;
  }
}
