package io.prunegate.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to a {@link ClassificationRequest}.
 *
 * @param id the request id
 * @param label the predicted label ({@code null} unless {@code status} is ok)
 * @param scores class probabilities by label, in the model's label order (empty unless ok)
 * @param model the model name that answered (or was asked for, when none answered)
 * @param version the registry version that answered, when known
 * @param variant the variant kind that answered (e.g. {@code champion}, {@code challenger})
 * @param exitLayer the 1-based layer whose chip produced the answer (early exit), when known
 * @param status the outcome
 * @param latencyMs time from receipt to answer in milliseconds
 * @param error the reason for a non-ok status, {@code null} otherwise
 * @param truncated true when the text was longer than the model's window and was cut
 */
public record ClassificationResult(
    String id,
    String label,
    Map<String, Double> scores,
    String model,
    Integer version,
    String variant,
    Integer exitLayer,
    ResultStatus status,
    double latencyMs,
    String error,
    boolean truncated) {

  public ClassificationResult {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    Objects.requireNonNull(status, "status");
    scores = scores == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    if (status == ResultStatus.OK && label == null) {
      throw new IllegalArgumentException("an ok result needs a label");
    }
  }

  /** A successful classification. */
  public static ClassificationResult ok(
      String id,
      String label,
      Map<String, Double> scores,
      String model,
      Integer version,
      String variant,
      Integer exitLayer,
      double latencyMs,
      boolean truncated) {
    return new ClassificationResult(
        id,
        label,
        scores,
        model,
        version,
        variant,
        exitLayer,
        ResultStatus.OK,
        latencyMs,
        null,
        truncated);
  }

  /** A non-ok result with its reason. */
  public static ClassificationResult failed(
      String id, String model, ResultStatus status, String reason, double latencyMs) {
    if (status == ResultStatus.OK) {
      throw new IllegalArgumentException("failed() needs a non-ok status");
    }
    return new ClassificationResult(
        id, null, Map.of(), model, null, null, null, status, latencyMs, reason, false);
  }
}
