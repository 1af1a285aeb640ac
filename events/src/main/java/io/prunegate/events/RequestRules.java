package io.prunegate.events;

import io.prunegate.events.InvalidRecordException.Kind;

/**
 * The rules a classification request meets on every way in (the Kafka codec, {@code /v1/classify}
 * and the Open Inference Protocol's infer), so that a request refused on one transport is refused
 * on the others with the same reason. Each rule takes the field name its transport uses ({@code
 * text} on Kafka, {@code inputs[0].data[3]} in an infer body) and throws an {@link
 * InvalidRecordException} naming it.
 */
public final class RequestRules {

  private RequestRules() {}

  /** A request from its fields under their wire names; the first rule broken is thrown. */
  public static ClassificationRequest request(
      String id, String text, String model, String key, Long deadlineMs) {
    id(id, "id");
    text(text, "text");
    model(model, "model");
    key(key, "key");
    deadline(deadlineMs, "deadline_ms");
    return new ClassificationRequest(id, text, model, key, deadlineMs);
  }

  /** The id: required and not empty. */
  public static String id(String id, String field) {
    return nonEmpty(id, field);
  }

  /** The text: required and with at least one character that is not whitespace. */
  public static String text(String text, String field) {
    if (nonEmpty(text, field).isBlank()) {
      throw new InvalidRecordException(Kind.INVALID_VALUE, field, "must not be only whitespace");
    }
    return text;
  }

  /** The model reference: {@code name}, {@code name@alias} or {@code name:version}. */
  public static ModelRef model(String model, String field) {
    try {
      return ModelRef.parse(nonEmpty(model, field));
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(Kind.INVALID_VALUE, field, e.getMessage());
    }
  }

  /** The routing key: optional, but not empty when given. */
  public static String key(String key, String field) {
    if (key != null && key.isEmpty()) {
      throw new InvalidRecordException(Kind.INVALID_VALUE, field, "must not be empty");
    }
    return key;
  }

  /** The deadline, epoch milliseconds: optional, not negative. */
  public static Long deadline(Long deadlineMs, String field) {
    if (deadlineMs != null && deadlineMs < 0) {
      throw new InvalidRecordException(Kind.INVALID_VALUE, field, "must not be negative");
    }
    return deadlineMs;
  }

  private static String nonEmpty(String value, String field) {
    if (value == null) {
      throw new InvalidRecordException(Kind.MISSING_FIELD, field, "is required");
    }
    if (value.isEmpty()) {
      throw new InvalidRecordException(Kind.INVALID_VALUE, field, "must not be empty");
    }
    return value;
  }
}
