package io.prunegate.pruner.evaluation;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paired ratio a job's acceptance uses: both bundles loaded side by side and timed in
 * alternating rounds, so a bundle against a copy of itself comes out near 1 whatever the machine's
 * load (a sanity bound, not a speed target).
 */
class VariantSpeedBenchmarkTest {

  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", 1, 1);

  @Test
  void aBundleAgainstACopyOfItselfIsNearOne(@TempDir Path dir) throws Exception {
    List<String> labels = List.of("negative", "positive");
    Path a = ChipBundles.linear(dir.resolve("a"), labels, 0.01f);
    Path b = ChipBundles.linear(dir.resolve("b"), labels, 0.01f);
    List<String> texts = List.of("a fine film", "the soup was cold", "I would go again");
    double ratio = VariantSpeedBenchmark.ratio(a, b, texts, 8, 6, CPU);
    System.out.printf("paired ratio of a bundle against its copy: %.3f%n", ratio);
    assertTrue(ratio > 0.5 && ratio < 2.0, "ratio " + ratio);
  }

  @Test
  void needsARoundAndText(@TempDir Path dir) {
    assertThrows(
        IllegalArgumentException.class,
        () -> VariantSpeedBenchmark.ratio(dir, dir, List.of(), 8, 1, CPU));
    assertThrows(
        IllegalArgumentException.class,
        () -> VariantSpeedBenchmark.ratio(dir, dir, List.of("x"), 8, 0, CPU));
  }
}
