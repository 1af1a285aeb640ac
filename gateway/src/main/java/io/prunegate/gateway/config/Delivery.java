package io.prunegate.gateway.config;

/** How the Kafka path delivers results. */
public enum Delivery {
  /**
   * Results are produced as they are ready; a request's offset is committed once its result (and
   * every earlier one of its partition) is acknowledged by Kafka. A crash re-answers the requests
   * after the last commit: duplicates, never losses.
   */
  AT_LEAST_ONCE,
  /**
   * Read-process-write in Kafka transactions: results and the offsets of the requests they answer
   * commit together, per partition in offset order; consumers of the results read {@code
   * read_committed}.
   */
  EXACTLY_ONCE;

  /** Parses {@code at-least-once} / {@code exactly-once} (or the enum names). */
  public static Delivery parse(String text) {
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
      case "at-least-once" -> AT_LEAST_ONCE;
      case "exactly-once" -> EXACTLY_ONCE;
      default ->
          throw new IllegalArgumentException(
              "delivery must be at-least-once or exactly-once, was '" + text + "'");
    };
  }
}
