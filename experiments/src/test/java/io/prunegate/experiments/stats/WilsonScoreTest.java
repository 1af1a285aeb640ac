package io.prunegate.experiments.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The Wilson interval against Newcombe's (1998) published examples, and its edges. */
class WilsonScoreTest {

  private static void assertInterval(long x, long n, double lower, double upper) {
    Interval i = WilsonScore.interval95(x, n);
    assertEquals(lower, i.lower(), 5e-5, x + "/" + n + " lower");
    assertEquals(upper, i.upper(), 5e-5, x + "/" + n + " upper");
  }

  @Test
  void matchesNewcombesTable() {
    // Newcombe, "Two-sided confidence intervals for the single proportion", Stat Med 1998, method 3
    assertInterval(81, 263, 0.2553, 0.3662);
    assertInterval(15, 148, 0.0624, 0.1605);
    assertInterval(0, 20, 0.0, 0.1611);
    assertInterval(1, 29, 0.0061, 0.1718);
    assertInterval(29, 29, 0.8830, 1.0);
  }

  @Test
  void noTrialsIsTheWholeRangeAndBadCountsFail() {
    assertEquals(new Interval(0, 1), WilsonScore.interval95(0, 0));
    assertThrows(IllegalArgumentException.class, () -> WilsonScore.interval95(3, 2));
    assertThrows(IllegalArgumentException.class, () -> WilsonScore.interval95(-1, 2));
  }

  @Test
  void tallyAndAgreementUseIt() {
    ArmTally t = new ArmTally(300, 263, 81);
    assertEquals(81.0 / 263, t.accuracy(), 1e-12);
    assertEquals(WilsonScore.interval95(81, 263), t.accuracyInterval());
    assertEquals(new ArmTally(1, 1, 1), ArmTally.EMPTY.withLabelledAnswer(true));
    assertEquals(new ArmTally(2, 1, 0), ArmTally.EMPTY.withAnswer().withAnswer().withLabel(false));
    assertThrows(IllegalArgumentException.class, () -> new ArmTally(1, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> new ArmTally(2, 1, 2));
    assertEquals(Double.NaN, ArmTally.EMPTY.accuracy());

    Agreement a = Agreement.NONE.with(true).with(true).with(false);
    assertEquals(new Agreement(3, 2), a);
    assertEquals(2.0 / 3, a.rate(), 1e-12);
    assertEquals(WilsonScore.interval95(2, 3), a.interval());
    assertThrows(IllegalArgumentException.class, () -> new Agreement(1, 2));
  }
}
