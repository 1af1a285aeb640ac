package io.prunegate.pruner.evaluation;

import org.HdrHistogram.Histogram;

/**
 * Latency of repeated calls, in milliseconds. Percentiles are nearest-rank from an HdrHistogram at
 * microsecond resolution (exact below 262 ms, within 0.001% above); the mean is exact.
 *
 * @param p50Ms median
 * @param p95Ms 95th percentile
 * @param meanMs mean
 * @param samples number of timed calls
 */
public record LatencyStats(double p50Ms, double p95Ms, double meanMs, int samples) {

  /** Significant decimal digits of the histogram: 5 keeps microseconds exact below 2^18 us. */
  static final int SIGNIFICANT_DIGITS = 5;

  /** Statistics of {@code nanos} (timed calls, warm-up excluded). */
  public static LatencyStats ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    Histogram micros = new Histogram(SIGNIFICANT_DIGITS);
    double sum = 0;
    for (long v : nanos) {
      micros.recordValue(Math.max(0, v) / 1_000);
      sum += v;
    }
    return new LatencyStats(
        micros.getValueAtPercentile(50) / 1e3,
        micros.getValueAtPercentile(95) / 1e3,
        sum / nanos.length / 1e6,
        nanos.length);
  }
}
