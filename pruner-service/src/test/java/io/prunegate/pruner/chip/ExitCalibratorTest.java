package io.prunegate.pruner.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExitCalibratorTest {

  /**
   * Three binary chips: confident examples are right more often, and deeper chips are better. The
   * calibrated cascade loses at most the budget of the deepest chip's right answers and runs fewer
   * layers; a larger budget lets more examples leave earlier.
   */
  @Test
  void holdsTheFloorWithFewerLayers() {
    int n = 1000;
    Random r = new Random(4);
    int[] labels = new int[n];
    int[] depths = {2, 4, 8};
    double[] skill = {0.75, 0.85, 0.93};
    float[][] probs = new float[3][2 * n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(2);
      for (int d = 0; d < 3; d++) {
        double conf = 0.5 + 0.5 * r.nextDouble();
        // Right with a probability rising with confidence and depth.
        boolean right = r.nextDouble() < Math.min(1, skill[d] + (conf - 0.75));
        int pred = right ? labels[i] : 1 - labels[i];
        probs[d][2 * i + pred] = (float) conf;
        probs[d][2 * i + 1 - pred] = (float) (1 - conf);
      }
    }
    ExitCalibrator c = new ExitCalibrator(depths, probs, labels, 2);
    double deepest = c.cascade(new double[] {2, 2, 2})[0];
    ExitCalibrator.Calibration cal = c.calibrate(0.01);
    assertTrue(cal.lost() <= 0.01, cal.toString());
    // Losses are bounded; chance gains of the early chips cannot hide them.
    assertTrue(cal.accuracy() >= deepest - 0.01, cal + " deepest " + deepest);
    assertTrue(cal.meanDepth() < 8, cal.toString());
    ExitCalibrator.Calibration loose = c.calibrate(0.05);
    assertTrue(loose.lost() <= 0.05 && loose.meanDepth() <= cal.meanDepth(), loose.toString());
    ExitCalibrator.Calibration none = c.calibrate(0);
    assertEquals(0.0, none.lost());
    assertTrue(none.meanDepth() >= cal.meanDepth(), none.toString());
    assertTrue(cal.thresholds().keySet().stream().allMatch(d -> d == 2 || d == 4));
    for (double t : cal.thresholds().values()) {
      assertTrue(t >= 0.5 && t <= 1.0, "threshold " + t);
    }
    double[] t = new double[3];
    t[0] = cal.thresholds().getOrDefault(2, Double.POSITIVE_INFINITY);
    t[1] = cal.thresholds().getOrDefault(4, Double.POSITIVE_INFINITY);
    t[2] = Double.POSITIVE_INFINITY;
    assertEquals(cal.accuracy(), c.cascade(t)[0], 1e-12);
    assertEquals(cal.meanDepth(), c.cascade(t)[1], 1e-12);
    assertEquals(cal.lost(), c.cascade(t)[2], 1e-12);
  }

  @Test
  void noBudgetKeepsEveryExampleThatWouldBeLostOnTheDeepestChip() {
    // The shallow chip says class 0 for everything, confidently: every exit loses a class-1 answer.
    int[] labels = {0, 1, 0, 1};
    float[][] probs = {{0.9f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f}, {1, 0, 0, 1, 1, 0, 0, 1}};
    ExitCalibrator.Calibration cal =
        new ExitCalibrator(new int[] {3, 6}, probs, labels, 2).calibrate(0);
    assertEquals(Map.of(), cal.thresholds());
    assertEquals(6.0, cal.meanDepth());
    assertEquals(1.0, cal.accuracy());
  }
}
