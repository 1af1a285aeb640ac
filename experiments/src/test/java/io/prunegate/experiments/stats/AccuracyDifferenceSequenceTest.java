package io.prunegate.experiments.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The confidence sequence's formula by an independent computation, its tuning, and how it treats
 * unequal arms. Its time-uniform error rate is checked by simulation in {@code
 * ExperimentSimulationTest}.
 */
class AccuracyDifferenceSequenceTest {

  private final AccuracyDifferenceSequence cs = new AccuracyDifferenceSequence(0.05, 5000);

  @Test
  void matchesTheNormalMixtureInInformationTime() {
    // the same boundary written the other way round: |S| <= sqrt((I + r) ln((I + r)/(r a^2)))
    // for S = I (D - delta), I = 1/V, r = 1/(s2 rho2)
    long c0 = 450, n0 = 500, c1 = 700, n1 = 800;
    double p0 = (c0 + 1.0) / (n0 + 2), p1 = (c1 + 1.0) / (n1 + 2);
    double v = p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1;
    double s2 = p0 * (1 - p0) + p1 * (1 - p1);
    double rho2 = (-2 * Math.log(0.05) + Math.log(1 - 2 * Math.log(0.05))) / 5000;
    double info = 1 / v;
    double r = 1 / (s2 * rho2);
    double half = Math.sqrt((info + r) * Math.log((info + r) / (r * 0.05 * 0.05))) / info;
    double d = 700.0 / 800 - 450.0 / 500;
    Interval i = cs.interval(c0, n0, c1, n1);
    assertEquals(d - half, i.lower(), 1e-12);
    assertEquals(d + half, i.upper(), 1e-12);
    assertEquals(rho2, cs.rho2(), 1e-15);
  }

  @Test
  void isNarrowestInStandardErrorsAtThePlannedSize() {
    // about 3.0 standard errors at the planned size (1.96 for one look), wider before and after
    double atPlan = cs.multiplier(5000);
    assertEquals(3.03, atPlan, 0.01);
    assertEquals(4.72, cs.multiplier(250), 0.01);
    assertEquals(3.13, cs.multiplier(20_000), 0.01);
    for (double m : new double[] {30, 200, 1000, 2500, 10_000, 100_000}) {
      assertTrue(cs.multiplier(m) > atPlan - 1e-9, "at " + m);
      assertTrue(cs.multiplier(m) > WilsonScore.Z95, "at " + m);
    }
  }

  @Test
  void treatsUnequalArmsThroughTheVarianceOfTheDifference() {
    // equal arms: the effective size is the labels per arm; a bigger champion adds information,
    // but never more than a perfectly known champion would
    double balanced = cs.halfWidth(900, 1000, 900, 1000);
    double biggerChampion = cs.halfWidth(9000, 10_000, 900, 1000);
    double knownChampion = cs.halfWidth(900_000, 1_000_000, 900, 1000);
    assertTrue(biggerChampion < balanced);
    assertTrue(knownChampion < biggerChampion);
    // and the effective size behind a known champion is close to two pairs per challenger label
    double p = 901.0 / 1002;
    double se = Math.sqrt(p * (1 - p) / 1000);
    assertEquals(cs.multiplier(2000), knownChampion / se, 0.01);
    // symmetric: swapping the arms mirrors the interval
    Interval i = cs.interval(900, 1000, 870, 1200);
    Interval j = cs.interval(870, 1200, 900, 1000);
    assertEquals(i.lower(), -j.upper(), 1e-12);
  }

  @Test
  void staysInsideMinusOneToOneAndNeedsLabelsOnBothArms() {
    assertEquals(new Interval(-1, 1), cs.interval(0, 0, 5, 5));
    Interval allWrongVsAllRight = cs.interval(40, 40, 0, 40);
    assertEquals(-1, allWrongVsAllRight.lower());
    assertTrue(allWrongVsAllRight.upper() < 0);
    // 40 of 40 on both arms: the smoothed variance keeps a real width
    assertTrue(cs.interval(40, 40, 40, 40).upper() > 0.1);
    assertThrows(IllegalArgumentException.class, () -> new AccuracyDifferenceSequence(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new AccuracyDifferenceSequence(0.05, 0));
  }
}
