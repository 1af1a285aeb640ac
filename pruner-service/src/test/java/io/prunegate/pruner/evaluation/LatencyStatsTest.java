package io.prunegate.pruner.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

  @Test
  void nearestRankPercentilesInMilliseconds() {
    long[] nanos = new long[20];
    for (int i = 0; i < 20; i++) {
      nanos[19 - i] = (i + 1) * 1_500_000L; // 1.5..30 ms, unsorted
    }
    LatencyStats s = LatencyStats.ofNanos(nanos);
    assertEquals(20, s.samples());
    assertEquals(15.0, s.p50Ms()); // 10th of 20
    assertEquals(28.5, s.p95Ms()); // 19th of 20
    assertEquals(15.75, s.meanMs(), 1e-9);
  }

  @Test
  void oneSampleIsEveryPercentile() {
    LatencyStats s = LatencyStats.ofNanos(new long[] {1_234_000L});
    assertEquals(1.234, s.p50Ms());
    assertEquals(1.234, s.p95Ms());
    assertEquals(1.234, s.meanMs(), 1e-12);
  }

  @Test
  void refusesNoSamples() {
    assertThrows(IllegalArgumentException.class, () -> LatencyStats.ofNanos(new long[0]));
  }
}
