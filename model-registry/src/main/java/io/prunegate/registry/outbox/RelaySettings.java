package io.prunegate.registry.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * How the outbox relay runs.
 *
 * @param pollInterval how often it looks for events when nobody woke it (other registry processes
 *     may write to the same database)
 * @param batchSize most events sent before waiting for their acknowledgements
 * @param initialBackoff pause after a failure, doubled per consecutive failure
 * @param maxBackoff longest pause after failures
 * @param publishedRetention how long acknowledged events stay in the outbox table
 */
public record RelaySettings(
    Duration pollInterval,
    int batchSize,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration publishedRetention) {

  public RelaySettings {
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(publishedRetention, "publishedRetention");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
  }

  /** 1 s poll, batches of 200, backoff 200 ms doubling to 5 s, published events kept 7 days. */
  public static RelaySettings defaults() {
    return new RelaySettings(
        Duration.ofSeconds(1),
        200,
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        Duration.ofDays(7));
  }
}
