package io.prunegate.pruner.chip;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Calibrates early-exit thresholds on validation: an example leaves at the first chip whose top
 * probability reaches that chip's threshold; the deepest chip answers the rest. The thresholds are
 * the ones with the fewest mean layers that lose at most a budget of the validation examples the
 * deepest chip answers correctly. Search: one shared threshold first, then coordinate passes
 * lowering each chip's threshold while the budget holds. Chips that never let an example leave are
 * dropped.
 *
 * <p>Why a loss budget rather than an accuracy floor: the search tries thousands of threshold
 * combinations on a few hundred examples, and under a floor it spends the examples an early chip
 * happens to get right where the deepest is wrong (chance gains) on exits that then fail on new
 * data. Counting only losses against the deepest chip leaves no such gains to spend, so the
 * calibrated cascade transfers: on SST-2 the floor rule kept validation accuracy but lost 1-2
 * points on dev, the budget rule holds dev accuracy (docs/chip-tuning.md).
 */
public final class ExitCalibrator {

  /** Coordinate passes after the shared-threshold search. */
  private static final int PASSES = 3;

  /** Candidate thresholds per chip: quantiles of its top probabilities on validation. */
  private static final int GRID = 200;

  /**
   * Calibrated thresholds.
   *
   * @param thresholds threshold per exiting depth (the deepest chip has none)
   * @param accuracy the cascade's validation accuracy
   * @param meanDepth the cascade's mean layers run on validation
   * @param lost fraction of validation examples the deepest chip answers correctly and the cascade
   *     does not
   */
  public record Calibration(
      Map<Integer, Double> thresholds, double accuracy, double meanDepth, double lost) {}

  private final int[] depths;
  private final float[][] topProb;
  private final boolean[][] correct;
  private final int n;

  /**
   * @param depths chip depths, ascending; the last one always answers
   * @param probabilities per depth, class probabilities [n, classes] on validation
   * @param labels validation labels
   * @param classes number of classes
   */
  public ExitCalibrator(int[] depths, float[][] probabilities, int[] labels, int classes) {
    this.depths = depths.clone();
    this.n = labels.length;
    this.topProb = new float[depths.length][n];
    this.correct = new boolean[depths.length][n];
    for (int d = 0; d < depths.length; d++) {
      for (int r = 0; r < n; r++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (probabilities[d][r * classes + c] > probabilities[d][r * classes + best]) {
            best = c;
          }
        }
        topProb[d][r] = probabilities[d][r * classes + best];
        correct[d][r] = best == labels[r];
      }
    }
  }

  /**
   * Thresholds with the fewest mean layers that lose at most {@code maxLost} (a fraction of all
   * validation examples) of the examples the deepest chip answers correctly.
   */
  public Calibration calibrate(double maxLost) {
    int k = depths.length;
    double[] t = new double[k];
    Arrays.fill(t, Double.POSITIVE_INFINITY);
    double[][] grid = new double[k][];
    TreeSet<Double> shared = new TreeSet<>();
    for (int d = 0; d < k - 1; d++) {
      grid[d] = candidates(topProb[d]);
      for (double g : grid[d]) {
        shared.add(g);
      }
    }
    if (k > 1) {
      // Lowest shared threshold that holds the floor (accuracy falls roughly as it drops).
      double bestShared = Double.POSITIVE_INFINITY;
      double bestDepth = cascade(t)[1];
      for (double g : shared) {
        double[] s = new double[k];
        Arrays.fill(s, g);
        double[] r = cascade(s);
        if (r[2] <= maxLost + 1e-12 && r[1] < bestDepth) {
          bestDepth = r[1];
          bestShared = g;
        }
      }
      Arrays.fill(t, bestShared);
      for (int pass = 0; pass < PASSES; pass++) {
        boolean changed = false;
        for (int d = 0; d < k - 1; d++) {
          double[] r0 = cascade(t);
          double keep = t[d];
          double bestT = keep;
          double bestD = r0[1];
          for (double g : grid[d]) {
            t[d] = g;
            double[] r = cascade(t);
            if (r[2] <= maxLost + 1e-12 && r[1] < bestD - 1e-12) {
              bestD = r[1];
              bestT = g;
            }
          }
          t[d] = bestT;
          changed |= bestT != keep;
        }
        if (!changed) {
          break;
        }
      }
    }
    double[] result = cascade(t);
    Map<Integer, Double> thresholds = new LinkedHashMap<>();
    for (int d = 0; d < k - 1; d++) {
      if (t[d] <= 1.0) {
        thresholds.put(depths[d], t[d]);
      }
    }
    return new Calibration(thresholds, result[0], result[1], result[2]);
  }

  /**
   * {accuracy, mean depth, lost} of the cascade under thresholds {@code t}; lost is the fraction of
   * examples the deepest chip answers correctly and the cascade does not.
   */
  double[] cascade(double[] t) {
    int k = depths.length;
    long layers = 0;
    int right = 0;
    int lost = 0;
    for (int r = 0; r < n; r++) {
      int d = 0;
      while (d < k - 1 && topProb[d][r] < t[d]) {
        d++;
      }
      layers += depths[d];
      if (correct[d][r]) {
        right++;
      } else if (correct[k - 1][r]) {
        lost++;
      }
    }
    return new double[] {(double) right / n, (double) layers / n, (double) lost / n};
  }

  /** Quantiles of the top probabilities (plus "never"), as candidate thresholds. */
  private static double[] candidates(float[] top) {
    float[] s = top.clone();
    Arrays.sort(s);
    TreeSet<Double> set = new TreeSet<>();
    for (int i = 0; i < GRID; i++) {
      set.add((double) s[(int) ((long) i * (s.length - 1) / (GRID - 1))]);
    }
    set.add(Double.POSITIVE_INFINITY);
    return set.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
