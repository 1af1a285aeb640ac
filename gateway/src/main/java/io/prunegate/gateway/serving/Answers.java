package io.prunegate.gateway.serving;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.ClassificationResult;
import io.prunegate.events.ResultStatus;
import io.prunegate.gateway.batching.PendingRequest;
import io.prunegate.gateway.variant.LoadedVariant;
import io.prunegate.model.classify.Prediction;
import java.util.Map;

/**
 * The one place the gateway builds its answers ({@link ClassificationResult}), for every transport
 * and every outcome: classified by a variant, refused before reaching one (expired, rejected),
 * unanswered by the variant it reached (expired in its queue, inference failed), or an internal
 * error. Latency is always measured from receipt.
 */
public final class Answers {

  private static final int MAX_REASON = 500;

  private Answers() {}

  /** {@code r} classified by {@code variant} as {@code prediction}. */
  public static ClassificationResult classified(
      PendingRequest r, LoadedVariant variant, Prediction prediction, long nowNanos) {
    return ClassificationResult.ok(
        r.id(),
        prediction.label(),
        prediction.scores(variant.labels()),
        variant.model(),
        variant.version(),
        r.variantName(),
        prediction.exitDepth(),
        r.elapsedMillis(nowNanos),
        prediction.truncated());
  }

  /** A request answered before it reached a variant: expired, or rejected by routing. */
  public static ClassificationResult refused(
      ClassificationRequest req, ResultStatus status, String reason, long receivedNanos) {
    return ClassificationResult.failed(
        req.id(), req.modelRef().name(), status, reason, millisSince(receivedNanos));
  }

  /**
   * A request the variant it reached did not classify: it expired in the queue, or inference failed
   * (the reason is cut to 500 characters).
   */
  public static ClassificationResult unanswered(
      PendingRequest r, LoadedVariant variant, ResultStatus status, String reason, long nowNanos) {
    return new ClassificationResult(
        r.id(),
        null,
        Map.of(),
        variant.model(),
        variant.version(),
        r.variantName(),
        null,
        status,
        r.elapsedMillis(nowNanos),
        reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason,
        false);
  }

  /** The answer to a request whose submission threw: a bug, reported as an error, never lost. */
  public static ClassificationResult internalError(
      ClassificationRequest req, Throwable error, long receivedNanos) {
    return ClassificationResult.failed(
        req.id(),
        req.modelRef().name(),
        ResultStatus.ERROR,
        "internal error: " + error,
        millisSince(receivedNanos));
  }

  private static double millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e6;
  }
}
