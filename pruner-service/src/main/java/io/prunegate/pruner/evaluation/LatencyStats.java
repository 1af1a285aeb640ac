package io.prunegate.pruner.evaluation;

import java.util.Arrays;

/**
 * Latency of repeated calls, in milliseconds.
 *
 * @param p50Ms median
 * @param p95Ms 95th percentile
 * @param meanMs mean
 * @param samples number of timed calls
 */
public record LatencyStats(double p50Ms, double p95Ms, double meanMs, int samples) {

  /** Statistics of {@code nanos} (timed calls, warm-up excluded). */
  public static LatencyStats ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElseThrow() / 1e6;
    return new LatencyStats(percentile(s, 0.50) / 1e6, percentile(s, 0.95) / 1e6, mean, s.length);
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
