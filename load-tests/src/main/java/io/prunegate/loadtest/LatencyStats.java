package io.prunegate.loadtest;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies (nearest-rank on the sorted values).
 *
 * @param count number of samples
 * @param p50Ms median, milliseconds
 * @param p90Ms 90th percentile
 * @param p99Ms 99th percentile
 * @param maxMs largest
 * @param meanMs mean
 */
public record LatencyStats(
    int count, double p50Ms, double p90Ms, double p99Ms, double maxMs, double meanMs) {

  /** Statistics of latencies given in nanoseconds; all zero when empty. */
  public static LatencyStats ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return new LatencyStats(0, 0, 0, 0, 0, 0);
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    double sum = 0;
    for (long v : s) {
      sum += v;
    }
    return new LatencyStats(
        s.length,
        rank(s, 0.50),
        rank(s, 0.90),
        rank(s, 0.99),
        s[s.length - 1] / 1e6,
        sum / s.length / 1e6);
  }

  /** Nearest-rank percentile {@code q} (0..1) of sorted values, in milliseconds. */
  static double rank(long[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
  }

  @Override
  public String toString() {
    return String.format(
        "n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms mean=%.1f ms",
        count, p50Ms, p90Ms, p99Ms, maxMs, meanMs);
  }
}
