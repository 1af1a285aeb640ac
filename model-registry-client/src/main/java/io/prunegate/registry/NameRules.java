package io.prunegate.registry;

import io.prunegate.events.ModelRef;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The registry's naming rules, checked by the server on every request and by the client before it
 * sends anything. Model, alias, method and artifact names follow {@link ModelRef#NAME} ({@code
 * [a-z0-9][a-z0-9._-]{0,127}}); artifact names are flat file names, so they also may not contain
 * {@code ..}. Tag keys allow upper case as well; artifacts are addressed by lower-case hex sha256.
 */
public final class NameRules {

  /** Tag keys: 1..128 characters of letters, digits, dot, underscore and dash. */
  public static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /** Longest tag value, in characters. */
  public static final int MAX_TAG_VALUE = 1024;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private NameRules() {}

  /** True for a valid model, alias or method name. */
  public static boolean isValidName(String text) {
    return ModelRef.isValidName(text);
  }

  /** Returns {@code value} when it is a valid name, else throws naming {@code field}. */
  public static String requireName(String value, String field, String what) {
    if (!isValidName(value)) {
      throw RegistryProblem.invalid(
          field,
          "invalid " + what + " " + quote(value) + ": must match " + ModelRef.NAME.pattern());
    }
    return value;
  }

  /** True for a valid artifact (file) name: a name without {@code /}, {@code \} or {@code ..}. */
  public static boolean isValidArtifactName(String text) {
    return isValidName(text) && !text.contains("..");
  }

  /** Returns {@code value} when it is a valid artifact name, else throws naming {@code field}. */
  public static String requireArtifactName(String value, String field) {
    if (!isValidArtifactName(value)) {
      throw RegistryProblem.invalid(
          field,
          "invalid artifact name "
              + quote(value)
              + ": a flat file name matching "
              + ModelRef.NAME.pattern()
              + " without '..'");
    }
    return value;
  }

  /** True for 64 lower-case hex digits. */
  public static boolean isSha256(String text) {
    return text != null && SHA256.matcher(text).matches();
  }

  /**
   * The lower-cased digest when {@code value} is 64 hex digits, else throws naming {@code field}.
   */
  public static String requireSha256(String value, String field) {
    String lower = value == null ? null : value.toLowerCase(Locale.ROOT);
    if (!isSha256(lower)) {
      throw RegistryProblem.invalid(
          field, "invalid sha256 " + quote(value) + ": must be 64 hex digits");
    }
    return lower;
  }

  /** Returns {@code key} when it is a valid tag key, else throws naming {@code field}. */
  public static String requireTagKey(String key, String field) {
    if (key == null || !TAG_KEY.matcher(key).matches()) {
      throw RegistryProblem.invalid(
          field, "invalid tag key " + quote(key) + ": must match " + TAG_KEY.pattern());
    }
    return key;
  }

  /** Checks a tag key and value. */
  public static void requireTag(String key, String value, String field) {
    requireTagKey(key, field);
    if (value == null || value.length() > MAX_TAG_VALUE) {
      throw RegistryProblem.invalid(
          field + "." + key, "tag value must be a string of at most " + MAX_TAG_VALUE + " chars");
    }
  }

  /** Quotes a user-supplied value for an error message, shortened so errors stay small. */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return "'" + shown + "'";
  }
}
