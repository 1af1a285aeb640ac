package io.prunegate.pruner.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An axis' range and its tick values at a nice round step (1, 2, 2.5 or 5 times a power of ten), so
 * a reader can interpolate between ticks; the range covers the data and, for a continuous axis,
 * ends on ticks.
 *
 * @param lo the axis' lower end
 * @param hi the axis' upper end
 * @param step the distance between ticks
 * @param values the tick values, ascending, all within {@code [lo, hi]}
 * @param decimals the decimals that write every tick value exactly
 */
public record Ticks(double lo, double hi, double step, List<Double> values, int decimals) {

  private static final double[] NICE = {1, 2, 2.5, 5, 10};

  public Ticks {
    values = List.copyOf(values);
  }

  /**
   * Ticks for data in {@code [min, max]}, about {@code target} intervals. A continuous axis is
   * widened outward to the ticks around the data; an {@code integers} axis (layers) keeps {@code
   * [min, max]} as given and ticks only whole numbers within it.
   */
  public static Ticks of(double min, double max, int target, boolean integers) {
    if (!Double.isFinite(min) || !Double.isFinite(max) || max < min || target < 1) {
      throw new IllegalArgumentException("bad range [" + min + ", " + max + "]/" + target);
    }
    if (max == min) {
      // one value: a span around it, else every tick would fall on the same spot
      double half = min == 0 ? 1 : Math.abs(min) * 0.05;
      min -= half;
      max += half;
    }
    double raw = (max - min) / target;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = NICE[NICE.length - 1] * mag;
    for (double n : NICE) {
      if (n * mag >= raw * (1 - 1e-9)) {
        step = n * mag;
        break;
      }
    }
    if (integers) {
      step = Math.max(1, Math.ceil(step - 1e-9));
    }
    // ticks as whole multiples of the step, in decimal: summing steps, or multiplying in binary
    // (660 * 0.005 = 3.3000000000000003), would put ticks off their round values
    long first;
    long last;
    double lo;
    double hi;
    if (integers) {
      first = (long) Math.ceil(min / step - 1e-9);
      last = (long) Math.floor(max / step + 1e-9);
      lo = min;
      hi = max;
    } else {
      first = (long) Math.floor(min / step + 1e-9);
      last = (long) Math.ceil(max / step - 1e-9);
      lo = multiple(first, step);
      hi = multiple(last, step);
    }
    List<Double> values = new ArrayList<>();
    for (long k = first; k <= last; k++) {
      values.add(multiple(k, step));
    }
    return new Ticks(lo, hi, step, values, decimals(step));
  }

  /** {@code v} written with this axis' decimals. */
  public String format(double v) {
    String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
    // -0 from rounding a tiny negative value reads as a distinct tick
    return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
  }

  private static double multiple(long k, double step) {
    return BigDecimal.valueOf(k).multiply(BigDecimal.valueOf(step)).doubleValue();
  }

  private static int decimals(double step) {
    for (int d = 0; d < 9; d++) {
      double scaled = step * Math.pow(10, d);
      if (Math.abs(scaled - Math.rint(scaled)) < 1e-6 * Math.max(1, scaled)) {
        return d;
      }
    }
    return 9;
  }
}
