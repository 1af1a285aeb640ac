package io.prunegate.experiments.stats;

/**
 * The Wilson score interval of a binomial proportion (Wilson 1927): the set of {@code p} whose
 * score test does not reject at the given {@code z}. Unlike the Wald interval it stays inside [0,
 * 1] and keeps close to nominal coverage at small counts and at proportions near 0 or 1, which is
 * where a nearly perfect classifier lives. A fixed-sample interval: valid at one look, not under
 * repeated checking (that is what {@link DifferenceSequence} is for).
 */
public final class WilsonScore {

  /** The two-sided 95% normal quantile. */
  public static final double Z95 = 1.959963984540054;

  private WilsonScore() {}

  /** The 95% interval of {@code successes} out of {@code trials}; [0, 1] when there are none. */
  public static Interval interval95(long successes, long trials) {
    return interval(successes, trials, Z95);
  }

  /** The interval at quantile {@code z} of {@code successes} out of {@code trials}. */
  public static Interval interval(long successes, long trials, double z) {
    if (trials < 0 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException(
          "need 0 <= successes <= trials, was " + successes + " of " + trials);
    }
    if (trials == 0) {
      return new Interval(0, 1);
    }
    double n = trials;
    double p = successes / n;
    double z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    // clamp the rounding at the edges (0 of n, n of n) so that the interval stays in [0, 1]
    return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
  }
}
