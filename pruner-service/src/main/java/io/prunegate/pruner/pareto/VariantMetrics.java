package io.prunegate.pruner.pareto;

import java.util.LinkedHashMap;
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
public record VariantMetrics(
    double accuracy,
    int examples,
    long parameters,
    double flopsPerToken,
    double batch1P50Ms,
    double batch1P95Ms,
    double batch32P50Ms,
    double batch32P95Ms,
    double throughputPerSecond,
    OptionalDouble meanExitLayer) {

  /** The registry metrics map (snake_case keys; NaN never written, JSON has no NaN). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accuracy", accuracy);
    m.put("validation_examples", examples);
    m.put("parameters", parameters);
    m.put("flops_per_token", flopsPerToken);
    m.put("latency_b1_p50_ms", batch1P50Ms);
    m.put("latency_b1_p95_ms", batch1P95Ms);
    m.put("latency_b32_p50_ms", batch32P50Ms);
    m.put("latency_b32_p95_ms", batch32P95Ms);
    m.put("throughput_per_second", throughputPerSecond);
    meanExitLayer.ifPresent(v -> m.put("mean_exit_layer", v));
    return m;
  }

  /** Reads the metrics of a registered version; fails naming a missing key. */
  public static VariantMetrics fromMap(Map<String, Object> m) {
    Object exit = m.get("mean_exit_layer");
    return new VariantMetrics(
        number(m, "accuracy"),
        (int) number(m, "validation_examples"),
        (long) number(m, "parameters"),
        number(m, "flops_per_token"),
        number(m, "latency_b1_p50_ms"),
        number(m, "latency_b1_p95_ms"),
        number(m, "latency_b32_p50_ms"),
        number(m, "latency_b32_p95_ms"),
        number(m, "throughput_per_second"),
        exit instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty());
  }

  private static double number(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof Number n)) {
      throw new IllegalStateException("registered metrics lack '" + key + "': " + m.keySet());
    }
    return n.doubleValue();
  }
}
