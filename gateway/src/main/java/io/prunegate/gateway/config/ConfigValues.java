package io.prunegate.gateway.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Parsing of human-written durations ({@code 5ms}, {@code 30s}, {@code 2m}) and sizes ({@code 4m}).
 */
public final class ConfigValues {

  private ConfigValues() {}

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}, or ISO-8601 {@code PT1S}. */
  public static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("p")) {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "' (examples: 5ms, 30s, 2m, 1h, PT1S)", e);
    }
  }

  /** {@code 1048576}, {@code 512k}, {@code 4m}, {@code 1g} (binary multiples). */
  public static long bytes(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      char unit = t.charAt(t.length() - 1);
      long shift =
          switch (unit) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
          };
      String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
      return Long.parseLong(digits) << shift;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid size '" + text + "' (examples: 1048576, 4m)", e);
    }
  }
}
