package io.prunegate.loadtest;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a set of latencies, from an HdrHistogram at microsecond resolution (exact below
 * 262 ms, within 0.001% above); percentiles are nearest-rank, mean and max are exact.
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

  /** Significant decimal digits of the histogram: 5 keeps microseconds exact below 2^18 us. */
  static final int SIGNIFICANT_DIGITS = 5;

  /** Statistics of latencies given in nanoseconds; all zero when empty. */
  public static LatencyStats ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return new LatencyStats(0, 0, 0, 0, 0, 0);
    }
    Histogram micros = new Histogram(SIGNIFICANT_DIGITS);
    double sum = 0;
    long max = Long.MIN_VALUE;
    for (long v : nanos) {
      micros.recordValue(Math.max(0, v) / 1_000);
      sum += v;
      max = Math.max(max, v);
    }
    return new LatencyStats(
        nanos.length,
        micros.getValueAtPercentile(50) / 1e3,
        micros.getValueAtPercentile(90) / 1e3,
        micros.getValueAtPercentile(99) / 1e3,
        max / 1e6,
        sum / nanos.length / 1e6);
  }

  @Override
  public String toString() {
    return String.format(
        "n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms mean=%.1f ms",
        count, p50Ms, p90Ms, p99Ms, maxMs, meanMs);
  }
}
