package io.prunegate.experiments.stats;

/**
 * A closed interval {@code [lower, upper]} of a proportion or a difference of proportions, as a
 * fraction (0.9 is 90%).
 *
 * @param lower the lower bound
 * @param upper the upper bound, at least {@code lower}
 */
public record Interval(double lower, double upper) {

  public Interval {
    if (!(lower <= upper)) {
      throw new IllegalArgumentException("interval bounds out of order: " + lower + " > " + upper);
    }
  }

  /** True when {@code x} lies in the interval (bounds included). */
  public boolean contains(double x) {
    return lower <= x && x <= upper;
  }
}
