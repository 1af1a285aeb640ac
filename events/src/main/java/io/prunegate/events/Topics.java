package io.prunegate.events;

import java.util.Map;
import java.util.Objects;

/**
 * The Kafka topic names PruneGate uses. Every name can be overridden, so that several deployments
 * can share one cluster; {@link #fromEnvironment(Map)} reads {@code PRUNEGATE_TOPIC_REQUESTS},
 * {@code PRUNEGATE_TOPIC_RESULTS}, {@code PRUNEGATE_TOPIC_DLQ}, {@code PRUNEGATE_TOPIC_FEEDBACK},
 * {@code PRUNEGATE_TOPIC_MODEL_EVENTS} and {@code PRUNEGATE_TOPIC_SHADOW_RESULTS}. The shadow
 * results topic carries the answers of shadow copies: the same record as a result, keyed like it.
 */
public record Topics(
    String requests,
    String results,
    String deadLetter,
    String feedback,
    String modelEvents,
    String shadowResults) {

  public static final String DEFAULT_REQUESTS = "prunegate.requests";
  public static final String DEFAULT_RESULTS = "prunegate.results";
  public static final String DEFAULT_DEAD_LETTER = "prunegate.requests.dlq";
  public static final String DEFAULT_FEEDBACK = "prunegate.feedback";
  public static final String DEFAULT_MODEL_EVENTS = "prunegate.model-events";
  public static final String DEFAULT_SHADOW_RESULTS = "prunegate.shadow-results";

  public Topics {
    requireTopicName(requests, "requests");
    requireTopicName(results, "results");
    requireTopicName(deadLetter, "deadLetter");
    requireTopicName(feedback, "feedback");
    requireTopicName(modelEvents, "modelEvents");
    requireTopicName(shadowResults, "shadowResults");
  }

  /** The default topic names. */
  public static Topics defaults() {
    return new Topics(
        DEFAULT_REQUESTS,
        DEFAULT_RESULTS,
        DEFAULT_DEAD_LETTER,
        DEFAULT_FEEDBACK,
        DEFAULT_MODEL_EVENTS,
        DEFAULT_SHADOW_RESULTS);
  }

  /** The defaults, overridden by the {@code PRUNEGATE_TOPIC_*} entries present in {@code env}. */
  public static Topics fromEnvironment(Map<String, String> env) {
    return new Topics(
        env.getOrDefault("PRUNEGATE_TOPIC_REQUESTS", DEFAULT_REQUESTS),
        env.getOrDefault("PRUNEGATE_TOPIC_RESULTS", DEFAULT_RESULTS),
        env.getOrDefault("PRUNEGATE_TOPIC_DLQ", DEFAULT_DEAD_LETTER),
        env.getOrDefault("PRUNEGATE_TOPIC_FEEDBACK", DEFAULT_FEEDBACK),
        env.getOrDefault("PRUNEGATE_TOPIC_MODEL_EVENTS", DEFAULT_MODEL_EVENTS),
        env.getOrDefault("PRUNEGATE_TOPIC_SHADOW_RESULTS", DEFAULT_SHADOW_RESULTS));
  }

  private static void requireTopicName(String name, String role) {
    Objects.requireNonNull(name, role);
    // Kafka's own rule: 1..249 chars of [a-zA-Z0-9._-], not "." or "..".
    if (name.isEmpty()
        || name.length() > 249
        || name.equals(".")
        || name.equals("..")
        || !name.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException(
          "invalid Kafka topic name for " + role + ": '" + name + "'");
    }
  }
}
