package io.prunegate.experiments.decision;

import io.prunegate.experiments.policy.DecisionRules;
import io.prunegate.experiments.stats.AccuracyDifferenceSequence;
import io.prunegate.experiments.stats.Agreement;
import io.prunegate.experiments.stats.ArmTally;
import io.prunegate.experiments.stats.Interval;
import java.time.Duration;
import java.util.Locale;

/**
 * Judges one experiment under one set of {@link DecisionRules}: a pure function of both arms'
 * snapshots, the time since the experiment started and, for a shadow, its agreement with the
 * champion. Meant to be asked after every label; because the accuracy interval is an anytime-valid
 * {@link AccuracyDifferenceSequence}, asking that often keeps a wrong promotion (challenger worse
 * than the margin) and a wrong rollback on accuracy (challenger within the margin) each at most
 * {@code alpha} over the whole experiment.
 *
 * <p>In order: a broken guard rolls back once both arms have handled the minimum number of
 * requests; with the minimum of labels on both arms, an interval entirely below {@code -margin}
 * rolls back and one entirely above it promotes (if the guards can be checked and hold); for a
 * shadow without a verdict from labels, the label-free rule promotes when the lower Wilson bound of
 * the agreement reaches the policy's minimum over enough comparisons and rolls back when the upper
 * bound is below it; otherwise the maximum duration makes it inconclusive, and before that the
 * experiment continues.
 */
public final class ExperimentJudge {

  private static final Verdict.Continue WAITING_FOR_LABELS =
      new Verdict.Continue("waiting for the minimum of labels on both arms");
  private static final Verdict.Continue WAITING_FOR_GUARDS =
      new Verdict.Continue(
          "accuracy clears the margin; waiting for requests or latency to check" + " the guards");
  private static final Verdict.Continue UNDECIDED =
      new Verdict.Continue("the accuracy interval still contains minus the margin");

  private final DecisionRules rules;
  private final AccuracyDifferenceSequence sequence;

  /** A judge for experiments under {@code rules}. */
  public ExperimentJudge(DecisionRules rules) {
    this.rules = rules;
    this.sequence = new AccuracyDifferenceSequence(rules.alpha(), rules.plannedLabelsPerArm());
  }

  /** The rules this judge applies. */
  public DecisionRules rules() {
    return rules;
  }

  /** The confidence sequence's current interval for {@code challenger - champion} accuracy. */
  public Interval difference(ArmTally champion, ArmTally challenger) {
    return sequence.interval(champion, challenger);
  }

  /** The verdict on a challenger (an arm that serves answers) after {@code elapsed}. */
  public Verdict judge(ArmSnapshot champion, ArmSnapshot challenger, Duration elapsed) {
    return decide(champion, challenger, null, elapsed);
  }

  /**
   * The verdict on a shadow (an arm that answers copies of the champion's requests, unseen) after
   * {@code elapsed}: as {@link #judge} when its answers are labelled, and by the label-free
   * agreement rule until the labels decide.
   */
  public Verdict judgeShadow(
      ArmSnapshot champion, ArmSnapshot shadow, Agreement agreement, Duration elapsed) {
    return decide(champion, shadow, agreement, elapsed);
  }

  private Verdict decide(
      ArmSnapshot champion, ArmSnapshot challenger, Agreement agreement, Duration elapsed) {
    long min = rules.minLabelledPerArm();
    boolean enoughRequests = champion.requests() >= min && challenger.requests() >= min;
    boolean latencyKnown =
        champion.latencyP99Ms().isPresent() && challenger.latencyP99Ms().isPresent();
    if (enoughRequests) {
      Verdict broken = brokenGuard(champion, challenger, latencyKnown);
      if (broken != null) {
        return broken;
      }
    }
    boolean guardsCheckable = enoughRequests && (!rules.latencyGuard() || latencyKnown);

    Verdict.Continue waiting = WAITING_FOR_LABELS;
    boolean labelsClear = false;
    if (champion.tally().labelled() >= min && challenger.tally().labelled() >= min) {
      Interval d = sequence.interval(champion.tally(), challenger.tally());
      double margin = rules.margin();
      if (d.upper() < -margin) {
        return new Verdict.Rollback(
            String.format(
                Locale.ROOT,
                "accuracy: challenger - champion in [%+.4f, %+.4f], below -%.4f (%s vs %s)",
                d.lower(),
                d.upper(),
                margin,
                accuracy(challenger.tally()),
                accuracy(champion.tally())));
      }
      if (d.lower() > -margin) {
        if (guardsCheckable) {
          return new Verdict.Promote(
              String.format(
                  Locale.ROOT,
                  "accuracy: challenger - champion in [%+.4f, %+.4f], above -%.4f (%s vs %s);"
                      + " guards hold",
                  d.lower(),
                  d.upper(),
                  margin,
                  accuracy(challenger.tally()),
                  accuracy(champion.tally())));
        }
        labelsClear = true;
        waiting = WAITING_FOR_GUARDS;
      } else {
        waiting = UNDECIDED;
      }
    }

    // the label-free rule speaks only where the labels have not (labels are the stronger evidence)
    if (agreement != null
        && !labelsClear
        && agreement.compared() >= rules.labelFreeMinComparisons()) {
      Interval a = agreement.interval();
      double least = rules.labelFreeMinAgreement();
      if (a.upper() < least) {
        return new Verdict.Rollback(
            String.format(
                Locale.ROOT,
                "agreement with the champion %.4f in [%.4f, %.4f] over %d requests, below %.4f",
                agreement.rate(),
                a.lower(),
                a.upper(),
                agreement.compared(),
                least));
      }
      if (a.lower() >= least) {
        if (guardsCheckable) {
          return new Verdict.Promote(
              String.format(
                  Locale.ROOT,
                  "agreement with the champion %.4f in [%.4f, %.4f] over %d requests, at least"
                      + " %.4f; guards hold",
                  agreement.rate(),
                  a.lower(),
                  a.upper(),
                  agreement.compared(),
                  least));
        }
        waiting = WAITING_FOR_GUARDS;
      }
    }

    if (elapsed.compareTo(rules.maxDuration()) >= 0) {
      return new Verdict.Inconclusive(
          String.format(
              Locale.ROOT,
              "maximum duration %s reached: %s; champion %s, challenger %s",
              rules.maxDuration(),
              waiting.reason(),
              describe(champion.tally()),
              describe(challenger.tally())));
    }
    return waiting;
  }

  /** The first guard the challenger breaks, or null. */
  private Verdict brokenGuard(ArmSnapshot champion, ArmSnapshot challenger, boolean latencyKnown) {
    if (rules.latencyGuard() && latencyKnown) {
      double base = champion.latencyP99Ms().getAsDouble();
      double p99 = challenger.latencyP99Ms().getAsDouble();
      if (p99 > base * rules.latencyGuardP99Factor()) {
        return new Verdict.Rollback(
            String.format(
                Locale.ROOT,
                "latency guard: challenger p99 %.1f ms > %.2f x champion p99 %.1f ms",
                p99,
                rules.latencyGuardP99Factor(),
                base));
      }
    }
    double allowed = champion.errorRate() + rules.errorRateAllowance();
    // a tiny tolerance so that an error rate exactly at the allowance passes despite rounding
    if (challenger.errorRate() > allowed + 1e-12) {
      return new Verdict.Rollback(
          String.format(
              Locale.ROOT,
              "error-rate guard: challenger %.4f (%d of %d) > champion %.4f (%d of %d) + %.4f",
              challenger.errorRate(),
              challenger.errors(),
              challenger.requests(),
              champion.errorRate(),
              champion.errors(),
              champion.requests(),
              rules.errorRateAllowance()));
    }
    return null;
  }

  private static String accuracy(ArmTally t) {
    return String.format(Locale.ROOT, "%.4f of %d", t.accuracy(), t.labelled());
  }

  private static String describe(ArmTally t) {
    return t.labelled() == 0 ? "no labels" : accuracy(t);
  }
}
