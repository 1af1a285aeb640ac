package io.prunegate.pruner.pareto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.prunegate.pruner.PrunerJson;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the service measures for every variant, the same way for every method, and stores in the
 * registered version's metrics (so a retried job can rebuild its comparison from the registry
 * without measuring again).
 *
 * @param accuracy accuracy on the validation split (early exit on, when the variant has it)
 * @param examples validation examples
 * @param parameters backbone parameters the variant runs
 * @param flopsPerToken forward FLOPs per token
 * @param batch1P50Ms median latency of one example
 * @param batch1P95Ms 95th percentile latency of one example
 * @param batch32P50Ms median latency of a batch of 32
 * @param batch32P95Ms 95th percentile latency of a batch of 32
 * @param throughputPerSecond examples per second at batch 32
 * @param meanExitLayer mean layers run per example with early exit, empty without
 */
@JsonPropertyOrder({
  "accuracy",
  "validation_examples",
  "parameters",
  "flops_per_token",
  "latency_b1_p50_ms",
  "latency_b1_p95_ms",
  "latency_b32_p50_ms",
  "latency_b32_p95_ms",
  "throughput_per_second",
  "mean_exit_layer"
})
public record VariantMetrics(
    double accuracy,
    @JsonProperty("validation_examples") int examples,
    long parameters,
    double flopsPerToken,
    @JsonProperty("latency_b1_p50_ms") double batch1P50Ms,
    @JsonProperty("latency_b1_p95_ms") double batch1P95Ms,
    @JsonProperty("latency_b32_p50_ms") double batch32P50Ms,
    @JsonProperty("latency_b32_p95_ms") double batch32P95Ms,
    double throughputPerSecond,
    @JsonInclude(JsonInclude.Include.NON_ABSENT) OptionalDouble meanExitLayer) {

  /** The keys {@link #fromMap} requires, in {@link #toMap} order. */
  private static final List<String> REQUIRED =
      List.of(
          "accuracy",
          "validation_examples",
          "parameters",
          "flops_per_token",
          "latency_b1_p50_ms",
          "latency_b1_p95_ms",
          "latency_b32_p50_ms",
          "latency_b32_p95_ms",
          "throughput_per_second");

  /** The registry metrics map (snake_case keys; NaN never written, JSON has no NaN). */
  public Map<String, Object> toMap() {
    return PrunerJson.toMap(this);
  }

  /** Reads the metrics of a registered version; fails naming a missing key. */
  public static VariantMetrics fromMap(Map<String, Object> m) {
    // the registry's metrics hold more keys (speedup, device, ...): those are ignored
    for (String key : REQUIRED) {
      number(m, key);
    }
    return PrunerJson.fromMap(m, VariantMetrics.class);
  }

  private static double number(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof Number n)) {
      throw new IllegalStateException("registered metrics lack '" + key + "': " + m.keySet());
    }
    return n.doubleValue();
  }
}
