package io.prunegate.experiments.stats;

/**
 * An anytime-valid confidence sequence for the difference in accuracy {@code challenger -
 * champion}: with probability at least {@code 1 - alpha} every interval it ever gives, at every
 * label, contains the true difference, so the judge may look after each label and stop as soon as
 * an interval clears the margin without inflating its error rates (a fixed-sample interval checked
 * this often would reject a true null most of the time).
 *
 * <p><b>Which sequence.</b> The two-sided asymptotic confidence sequence of Waudby-Smith, Arbour,
 * Sinha, Kennedy and Ramdas, "Time-uniform central limit theory and asymptotic confidence
 * sequences" (2021/2024), i.e. Robbins' normal-mixture boundary (Howard, Ramdas, McAuliffe and
 * Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences", 2021) applied to the
 * difference of two Bernoulli means with an estimated variance. With {@code c0} of {@code n0}
 * champion labels and {@code c1} of {@code n1} challenger labels right:
 *
 * <pre>
 *   D      = c1/n1 - c0/n0                                   (the estimate)
 *   p~i    = (ci + 1) / (ni + 2)                             (variance only: never 0 at 0/n or n/n)
 *   V      = p~1(1-p~1)/n1 + p~0(1-p~0)/n0                   (variance of D, no pairing needed)
 *   s2     = p~1(1-p~1) + p~0(1-p~0)                         (variance of one champion/challenger pair)
 *   m      = s2 / V                                          (effective sample size: n when n0 = n1 = n)
 *   half   = sqrt( V * 2(m rho2 + 1)/(m rho2) * ln( sqrt(m rho2 + 1) / alpha ) )
 *   C      = [D - half, D + half], clipped to [-1, 1]
 * </pre>
 *
 * For a constant {@code s2} this is exactly the two-sided normal mixture {@code |S| <= sqrt((I + r)
 * ln((I + r)/(r alpha^2)))} in information time {@code I = 1/V} for {@code S = I (D - delta)}, with
 * mixture precision {@code r = 1/(s2 rho2)}: the mixture of the exponential supermartingales {@code
 * exp(lambda S - lambda^2 I / 2)} over {@code lambda ~ N(0, 1/r)}, bounded by Ville's inequality.
 * Unequal arms are handled through {@code I}: as long as both arms only grow, {@code Cov(D_s, D_t)
 * = Var(D_t)} for {@code s <= t}, so {@code S} has independent increments of variance {@code dI}
 * whichever arm the next label belongs to; {@code m} only re-expresses {@code I} as a number of
 * pairs so that the tuning below does not depend on the unknown accuracies.
 *
 * <p><b>Tuning.</b> {@code rho2 = (-2 ln alpha + ln(1 - 2 ln alpha)) / nPlanned} makes the interval
 * narrowest at an effective sample size of {@code nPlanned} (Waudby-Smith et al.'s choice), where
 * its half-width is about 3.0 standard errors at {@code alpha = 0.05} (1.96 for a one-look
 * interval); it is about 4.7 standard errors at a twentieth of it and about 3.1 at four times it.
 * It is set from the policy's planned labels per arm, the size at which the experiment is expected
 * to be decided, never from observed data.
 *
 * <p><b>Assumptions.</b> Each label is a Bernoulli outcome (the answer was right or not),
 * independent and identically distributed within an arm (the accuracy does not drift during the
 * experiment); which arm a label belongs to and when it arrives do not depend on whether the answer
 * was right (labels delayed more for wrong answers would bias both the estimate and the interval).
 * The coverage is asymptotic, because the variance is estimated: the judge only reads the sequence
 * once both arms have the policy's minimum of labels, and the simulation in the tests shows the
 * time-uniform error rate staying below {@code alpha} from there on.
 */
public final class AccuracyDifferenceSequence {

  private final double alpha;
  private final double rho2;
  private final double logInvAlpha;

  /**
   * @param alpha the probability, over the whole experiment, that any interval misses the true
   *     difference; in (0, 1)
   * @param plannedPerArm the effective sample size (labels per arm) at which the intervals are
   *     narrowest; at least 1
   */
  public AccuracyDifferenceSequence(double alpha, long plannedPerArm) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
    }
    if (plannedPerArm < 1) {
      throw new IllegalArgumentException("planned labels per arm must be >= 1: " + plannedPerArm);
    }
    this.alpha = alpha;
    this.logInvAlpha = -Math.log(alpha);
    this.rho2 = (2 * logInvAlpha + Math.log(1 + 2 * logInvAlpha)) / plannedPerArm;
  }

  /** The error probability over the whole sequence. */
  public double alpha() {
    return alpha;
  }

  /** The mixture parameter {@code rho^2} (per pair of labels). */
  public double rho2() {
    return rho2;
  }

  /**
   * The interval for {@code challenger - champion} after the labels in the two tallies; [-1, 1]
   * while either arm has none.
   */
  public Interval interval(ArmTally champion, ArmTally challenger) {
    return interval(
        champion.correct(), champion.labelled(), challenger.correct(), challenger.labelled());
  }

  /** The interval for {@code c1/n1 - c0/n0}; [-1, 1] while either count is 0. */
  public Interval interval(long c0, long n0, long c1, long n1) {
    if (n0 <= 0 || n1 <= 0) {
      return new Interval(-1, 1);
    }
    double d = (double) c1 / n1 - (double) c0 / n0;
    double half = halfWidth(c0, n0, c1, n1);
    return new Interval(Math.max(-1, d - half), Math.min(1, d + half));
  }

  /** The half-width of the interval for the given counts (both at least 1). */
  public double halfWidth(long c0, long n0, long c1, long n1) {
    double p0 = (c0 + 1.0) / (n0 + 2.0);
    double p1 = (c1 + 1.0) / (n1 + 2.0);
    double v0 = p0 * (1 - p0);
    double v1 = p1 * (1 - p1);
    double variance = v1 / n1 + v0 / n0;
    double effective = (v0 + v1) / variance;
    return Math.sqrt(variance) * multiplier(effective);
  }

  /**
   * How many standard errors the half-width is at effective sample size {@code m}: {@code sqrt(2(m
   * rho2 + 1)/(m rho2) ln(sqrt(m rho2 + 1)/alpha))}.
   */
  public double multiplier(double m) {
    double x = m * rho2;
    return Math.sqrt(2 * (x + 1) / x * (0.5 * Math.log(x + 1) + logInvAlpha));
  }
}
