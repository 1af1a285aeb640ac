package io.prunegate.experiments.join;

import io.prunegate.events.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * What the join topology needs: its topics, the Kafka Streams application id (which names its
 * consumer group, state directory and internal topics) and the label delay.
 *
 * @param topics results, shadow results, feedback and model-events topics are read
 * @param applicationId the Kafka Streams application id
 * @param labelDelay how long after the first of an id's answer or label the other may arrive
 */
public record JoinSettings(Topics topics, String applicationId, Duration labelDelay) {

  /** The default application id. */
  public static final String DEFAULT_APPLICATION_ID = "prunegate-experiments";

  /** The default label delay: a week. */
  public static final Duration DEFAULT_LABEL_DELAY = Duration.ofDays(7);

  public JoinSettings {
    Objects.requireNonNull(topics, "topics");
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("applicationId must not be blank");
    }
    if (labelDelay == null || labelDelay.isNegative() || labelDelay.isZero()) {
      throw new IllegalArgumentException("labelDelay must be positive");
    }
  }

  /** The default topics, application id and label delay. */
  public static JoinSettings defaults() {
    return new JoinSettings(Topics.defaults(), DEFAULT_APPLICATION_ID, DEFAULT_LABEL_DELAY);
  }

  /**
   * How often (in stream time) expired entries are dropped: a minute, or the delay when shorter.
   * Entries past their delay are also refused on arrival, so this only bounds the store's size.
   */
  public Duration expiryInterval() {
    Duration minute = Duration.ofMinutes(1);
    return labelDelay.compareTo(minute) < 0 ? labelDelay : minute;
  }
}
