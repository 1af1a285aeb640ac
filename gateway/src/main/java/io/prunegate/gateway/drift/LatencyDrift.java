package io.prunegate.gateway.drift;

import java.util.Arrays;

/**
 * Per-example batch latency of one variant: the median over its first {@code window} well-filled
 * batches after it was loaded (the baseline) against the median over its latest {@code window}
 * (current). Their ratio is the latency drift: 1 when the variant runs as fast as when it started,
 * above 1 when it slowed down (contention, memory pressure, longer inputs).
 */
public final class LatencyDrift {

  private final double[] baseline;
  private final double[] recent;
  private int baselineCount;
  private int next;
  private int recentCount;

  public LatencyDrift(int window) {
    this.baseline = new double[window];
    this.recent = new double[window];
  }

  /** Adds one batch's per-example latency in milliseconds. */
  public synchronized void add(double msPerExample) {
    if (baselineCount < baseline.length) {
      baseline[baselineCount++] = msPerExample;
    }
    recent[next] = msPerExample;
    next = (next + 1) % recent.length;
    recentCount = Math.min(recentCount + 1, recent.length);
  }

  /** Median of the baseline window (NaN until it is full). */
  public synchronized double baselineMs() {
    return baselineCount < baseline.length ? Double.NaN : median(baseline, baselineCount);
  }

  /** Median of the latest window (NaN before any batch). */
  public synchronized double currentMs() {
    return recentCount == 0 ? Double.NaN : median(recent, recentCount);
  }

  /** current / baseline; NaN until the baseline is complete. */
  public double ratio() {
    return currentMs() / baselineMs();
  }

  private static double median(double[] values, int n) {
    double[] s = Arrays.copyOf(values, n);
    Arrays.sort(s);
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
