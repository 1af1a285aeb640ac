package io.prunegate.pruner.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.prunegate.pruner.pareto.VariantMetrics;

/**
 * The metrics a job registers with a variant's version: what was measured ({@link VariantMetrics},
 * whose keys come first so that a retry reads them back with {@link VariantMetrics#fromMap}), then
 * the comparison with the baseline and the device it was measured on.
 *
 * @param measured the variant's metrics
 * @param baselineAccuracy the baseline's accuracy
 * @param accuracyDropPoints the baseline's accuracy minus this one's, in points
 * @param speedup this throughput over the baseline's
 * @param accepted meets the policy's acceptance rule (never the baseline itself)
 * @param device the device the variant was measured on
 */
@JsonPropertyOrder({
  "measured",
  "baseline_accuracy",
  "accuracy_drop_points",
  "speedup",
  "accepted",
  "device"
})
record RegisteredMetrics(
    @JsonUnwrapped VariantMetrics measured,
    double baselineAccuracy,
    double accuracyDropPoints,
    double speedup,
    boolean accepted,
    String device) {}
