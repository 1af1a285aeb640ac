package io.prunegate.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

  @Test
  void nearestRankPercentilesInMilliseconds() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[99 - i] = (i + 1) * 1_000_000L; // 1..100 ms, unsorted
    }
    LatencyStats s = LatencyStats.ofNanos(nanos);
    assertEquals(100, s.count());
    assertEquals(50.0, s.p50Ms());
    assertEquals(90.0, s.p90Ms());
    assertEquals(99.0, s.p99Ms());
    assertEquals(100.0, s.maxMs());
    assertEquals(50.5, s.meanMs(), 1e-9);
    assertEquals(0, LatencyStats.ofNanos(new long[0]).count());
  }
}
