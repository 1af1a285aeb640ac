package io.prunegate.events;

/**
 * A request to classify one text.
 *
 * @param id unique request id, echoed on the result; duplicates are identified by it
 * @param text the text to classify (non-empty; longer than the model's window is truncated)
 * @param model the model reference: {@code name}, {@code name@alias} or {@code name:version}
 * @param key optional routing key: sticky A/B assignment and the Kafka record key
 * @param deadlineMs optional absolute deadline, Unix epoch milliseconds; past it the request is
 *     answered {@code expired} instead of being processed
 */
public record ClassificationRequest(
    String id, String text, String model, String key, Long deadlineMs) {

  public ClassificationRequest {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("text must not be empty");
    }
    ModelRef.parse(model);
  }

  /** A request without key or deadline. */
  public static ClassificationRequest of(String id, String text, String model) {
    return new ClassificationRequest(id, text, model, null, null);
  }

  /** The Kafka record key: the routing key when given, else the id. */
  public String recordKey() {
    return key != null ? key : id;
  }

  /** The parsed model reference. */
  public ModelRef modelRef() {
    return ModelRef.parse(model);
  }
}
