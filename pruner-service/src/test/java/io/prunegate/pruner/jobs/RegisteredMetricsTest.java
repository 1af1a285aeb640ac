package io.prunegate.pruner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prunegate.pruner.PrunerJson;
import io.prunegate.pruner.pareto.VariantMetrics;
import io.prunegate.registry.RegistryJson;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The metrics registered with a version: the measured ones first, then the comparison. */
class RegisteredMetricsTest {

  @Test
  void measuredKeysFirstThenTheComparison() {
    VariantMetrics measured =
        new VariantMetrics(
            0.875, 872, 22_000_000L, 1.5e9, 4.5, 6.25, 96.0, 110.5, 200.0, OptionalDouble.of(7.5));
    Map<String, Object> m =
        PrunerJson.toMap(new RegisteredMetrics(measured, 0.9, 2.5, 2.0, true, "cpu"));
    assertEquals(
        "{\"accuracy\":0.875,\"validation_examples\":872,\"parameters\":22000000,"
            + "\"flops_per_token\":1.5E9,\"latency_b1_p50_ms\":4.5,\"latency_b1_p95_ms\":6.25,"
            + "\"latency_b32_p50_ms\":96.0,\"latency_b32_p95_ms\":110.5,"
            + "\"throughput_per_second\":200.0,\"mean_exit_layer\":7.5,\"baseline_accuracy\":0.9,"
            + "\"accuracy_drop_points\":2.5,\"speedup\":2.0,\"accepted\":true,\"device\":\"cpu\"}",
        RegistryJson.writeString(RegistryJson.toTree(m)));
    // a retry reads the measured part back, ignoring the comparison
    assertEquals(measured, VariantMetrics.fromMap(m));
  }
}
