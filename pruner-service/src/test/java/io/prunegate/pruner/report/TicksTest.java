package io.prunegate.pruner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tick steps are 1, 2, 2.5 or 5 times a power of ten, cover the data, and print exactly. */
class TicksTest {

  @Test
  void accuracyPercentagesGetRoundSteps() {
    Ticks t = Ticks.of(84.6, 91.4, 5, false);
    assertEquals(2.0, t.step(), 1e-12);
    assertEquals(84.0, t.lo(), 1e-12);
    assertEquals(92.0, t.hi(), 1e-12);
    assertEquals(List.of(84.0, 86.0, 88.0, 90.0, 92.0), t.values());
    assertEquals("86", t.format(86.0));
  }

  @Test
  void throughputGetsRoundHundreds() {
    Ticks t = Ticks.of(81, 419, 6, false);
    assertEquals(100.0, t.step(), 1e-12);
    assertEquals(List.of(0.0, 100.0, 200.0, 300.0, 400.0, 500.0), t.values());
  }

  @Test
  void smallFractionsUseTwoAndAHalfAndPrintTheirDecimals() {
    Ticks t = Ticks.of(0.61, 0.71, 4, false);
    assertEquals(0.025, t.step(), 1e-12);
    assertEquals(0.6, t.lo(), 1e-12);
    assertEquals(0.725, t.hi(), 1e-12);
    assertEquals(3, t.decimals());
    assertEquals("0.625", t.format(t.values().get(1)));
    // multiples of the step, not sums of it: no 0.6250000000000001
    for (double v : t.values()) {
      assertEquals(v, Double.parseDouble(t.format(v)), 1e-12);
    }
  }

  @Test
  void everyStepIsNiceAndTheTicksCoverTheData() {
    double[][] ranges = {{0, 1}, {3.3, 3.31}, {-7, 12}, {1e-4, 9e-4}, {100, 12345}, {0.5, 0.52}};
    for (double[] r : ranges) {
      for (int target = 2; target <= 10; target++) {
        Ticks t = Ticks.of(r[0], r[1], target, false);
        double mantissa = t.step() / Math.pow(10, Math.floor(Math.log10(t.step())));
        assertTrue(
            List.of(1.0, 2.0, 2.5, 5.0).stream().anyMatch(n -> Math.abs(n - mantissa) < 1e-9),
            "step " + t.step());
        assertTrue(t.lo() <= r[0] && t.hi() >= r[1], t + " covers " + r[0] + ".." + r[1]);
        assertTrue(t.values().size() >= 2 && t.values().size() <= 2 * target + 2, t.toString());
        assertEquals(t.lo(), t.values().get(0), 1e-9);
        assertEquals(t.hi(), t.values().get(t.values().size() - 1), 1e-9);
      }
    }
  }

  @Test
  void wholeNumberAxesTickOnlyIntegersInsideTheirRange() {
    Ticks six = Ticks.of(0.5, 6.5, 8, true);
    assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), six.values());
    assertEquals(0.5, six.lo(), 1e-12);
    assertEquals(6.5, six.hi(), 1e-12);
    assertEquals("3", six.format(3));
    Ticks many = Ticks.of(0.5, 32.5, 8, true);
    assertEquals(5.0, many.step(), 1e-12);
    assertEquals(List.of(5.0, 10.0, 15.0, 20.0, 25.0, 30.0), many.values());
  }

  @Test
  void aSingleValueGetsASpanAroundItAndBadRangesAreRefused() {
    Ticks t = Ticks.of(90, 90, 5, false);
    assertTrue(t.lo() < 90 && t.hi() > 90 && t.values().size() >= 3, t.toString());
    assertThrows(IllegalArgumentException.class, () -> Ticks.of(Double.NaN, 1, 5, false));
    assertThrows(IllegalArgumentException.class, () -> Ticks.of(2, 1, 5, false));
  }
}
