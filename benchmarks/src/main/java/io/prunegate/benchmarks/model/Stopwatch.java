package io.prunegate.benchmarks.model;

import java.util.Arrays;

/** Collects durations and reports percentiles, in milliseconds. */
final class Stopwatch {

  private double[] samples = new double[16];
  private int n;

  void add(long nanos) {
    if (n == samples.length) {
      samples = Arrays.copyOf(samples, n * 2);
    }
    samples[n++] = nanos / 1e6;
  }

  int count() {
    return n;
  }

  double percentile(double p) {
    double[] s = Arrays.copyOf(samples, n);
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100.0 * n) - 1;
    return s[Math.max(0, Math.min(n - 1, i))];
  }

  double median() {
    return percentile(50);
  }

  double mean() {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += samples[i];
    }
    return sum / n;
  }
}
