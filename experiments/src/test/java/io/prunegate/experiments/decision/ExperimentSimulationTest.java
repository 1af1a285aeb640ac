package io.prunegate.experiments.decision;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.experiments.policy.DecisionRules;
import io.prunegate.experiments.stats.AccuracyDifferenceSequence;
import io.prunegate.experiments.stats.ArmTally;
import io.prunegate.experiments.stats.Interval;
import io.prunegate.experiments.stats.WilsonScore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The error rates the issue demands, by simulation: thousands of experiments, each judged after
 * every single label as the service will, with Bernoulli labels arriving at random per arm (a fair
 * coin per label, so the arms are rarely the same size). A wrong rollback (equal arms) and a wrong
 * promotion (challenger two margins worse) must each happen in at most {@code alpha} of the
 * experiments; the confidence sequence itself must miss the true difference at some label in at
 * most {@code alpha} of them. Labels to a verdict are printed for a challenger three points worse
 * and for equal arms. Seeded, so every run sees the same experiments.
 */
class ExperimentSimulationTest {

  private static final int EXPERIMENTS = 2_000;

  /** Labels per experiment, both arms together: about 5,000 per arm. */
  private static final int HORIZON = 10_000;

  private static final DecisionRules RULES = DecisionRules.DEFAULTS;
  private static final OptionalDouble P99 = OptionalDouble.of(20.0);

  /** What happened in one simulated experiment. */
  private record Outcome(Verdict first, int labelsToVerdict, boolean sequenceMissed) {}

  @Test
  void equalArmsAreRarelyRolledBackAndTheSequenceCoversTheTruth() {
    Outcome[] runs = simulate(0.90, 0.90, 17, true);
    long wrongRollbacks = count(runs, Verdict.Rollback.class);
    long misses = Arrays.stream(runs).filter(Outcome::sequenceMissed).count();
    report("equal arms 0.90/0.90: wrong rollbacks", wrongRollbacks);
    report("equal arms 0.90/0.90: sequence ever excluded the true difference 0", misses);
    reportLabels("equal arms 0.90/0.90, promotion", runs, Verdict.Promote.class);
    assertAtMostAlpha(wrongRollbacks);
    assertAtMostAlpha(misses);
  }

  @Test
  void aCanaryWithAFifthOfTheLabelsKeepsTheErrorRates() {
    // unequal arms: the sequence's variance and effective sample size must carry the imbalance
    Outcome[] runs = simulate(0.90, 0.90, 0.2, 53, true);
    long wrongRollbacks = count(runs, Verdict.Rollback.class);
    long misses = Arrays.stream(runs).filter(Outcome::sequenceMissed).count();
    report("canary 20/80, equal arms 0.90/0.90: wrong rollbacks", wrongRollbacks);
    report("canary 20/80, equal arms: sequence ever excluded the true difference 0", misses);
    assertAtMostAlpha(wrongRollbacks);
    assertAtMostAlpha(misses);
  }

  @Test
  void aChallengerTwoMarginsWorseIsRarelyPromoted() {
    Outcome[] runs = simulate(0.90, 0.88, 29, true);
    long wrongPromotions = count(runs, Verdict.Promote.class);
    long misses = Arrays.stream(runs).filter(Outcome::sequenceMissed).count();
    report("challenger 2 points worse 0.88 vs 0.90: wrong promotions", wrongPromotions);
    report("challenger 2 points worse: sequence ever excluded the true difference -0.02", misses);
    reportLabels("challenger 2 points worse, rollback", runs, Verdict.Rollback.class);
    assertAtMostAlpha(wrongPromotions);
    assertAtMostAlpha(misses);
  }

  @Test
  void aChallengerThreePointsWorseIsRolledBack() {
    Outcome[] runs = simulate(0.90, 0.87, 41, false);
    long promotions = count(runs, Verdict.Promote.class);
    long rollbacks = count(runs, Verdict.Rollback.class);
    report("challenger 3 points worse 0.87 vs 0.90: wrong promotions", promotions);
    int median = reportLabels("challenger 3 points worse, rollback", runs, Verdict.Rollback.class);
    assertAtMostAlpha(promotions);
    // power: the sequence is not so wide that a clearly worse challenger survives the horizon
    assertTrue(rollbacks > EXPERIMENTS / 2, "only " + rollbacks + " rollbacks");
    assertTrue(median <= HORIZON, "median " + median);
  }

  /** Runs the experiments; {@code toHorizon} keeps going after a verdict to watch the sequence. */
  private static Outcome[] simulate(
      double pChampion, double pChallenger, long seed, boolean toHorizon) {
    return simulate(pChampion, pChallenger, 0.5, seed, toHorizon);
  }

  /** As above, with a share {@code toChallenger} of the labels going to the challenger. */
  private static Outcome[] simulate(
      double pChampion, double pChallenger, double toChallenger, long seed, boolean toHorizon) {
    ExperimentJudge judge = new ExperimentJudge(RULES);
    AccuracyDifferenceSequence sequence =
        new AccuracyDifferenceSequence(RULES.alpha(), RULES.plannedLabelsPerArm());
    double truth = pChallenger - pChampion;
    long min = RULES.minLabelledPerArm();
    SplittableRandom root = new SplittableRandom(seed);
    Outcome[] out = new Outcome[EXPERIMENTS];
    for (int e = 0; e < EXPERIMENTS; e++) {
      SplittableRandom rng = root.split();
      ArmTally champion = ArmTally.EMPTY;
      ArmTally challenger = ArmTally.EMPTY;
      Verdict first = null;
      int at = 0;
      boolean missed = false;
      for (int label = 1; label <= HORIZON; label++) {
        if (rng.nextDouble() < toChallenger) {
          challenger = challenger.withLabelledAnswer(rng.nextDouble() < pChallenger);
        } else {
          champion = champion.withLabelledAnswer(rng.nextDouble() < pChampion);
        }
        if (first == null) {
          Verdict v =
              judge.judge(
                  new ArmSnapshot(champion, P99, 0),
                  new ArmSnapshot(challenger, P99, 0),
                  Duration.ofSeconds(label));
          if (v.isFinal()) {
            first = v;
            at = label;
            if (!toHorizon) {
              break;
            }
          }
        }
        if (!missed && champion.labelled() >= min && challenger.labelled() >= min) {
          Interval d = sequence.interval(champion, challenger);
          missed = !d.contains(truth);
        }
      }
      out[e] = new Outcome(first, first == null ? Integer.MAX_VALUE : at, missed);
    }
    return out;
  }

  private static long count(Outcome[] runs, Class<? extends Verdict> kind) {
    return Arrays.stream(runs).filter(o -> kind.isInstance(o.first())).count();
  }

  private static void report(String what, long events) {
    Interval ci = WilsonScore.interval95(events, EXPERIMENTS);
    System.out.printf(
        Locale.ROOT,
        "%s: %d of %d = %.4f, 95%% interval [%.4f, %.4f] (alpha %.2f)%n",
        what,
        events,
        EXPERIMENTS,
        (double) events / EXPERIMENTS,
        ci.lower(),
        ci.upper(),
        RULES.alpha());
  }

  /** Prints the median labels (both arms) to a verdict of {@code kind}; MAX_VALUE if undecided. */
  private static int reportLabels(String what, Outcome[] runs, Class<? extends Verdict> kind) {
    int[] labels =
        Arrays.stream(runs)
            .mapToInt(o -> kind.isInstance(o.first()) ? o.labelsToVerdict() : Integer.MAX_VALUE)
            .sorted()
            .toArray();
    int median = labels[(labels.length - 1) / 2];
    long undecided = Arrays.stream(runs).filter(o -> o.first() == null).count();
    long undecidedAtHalf =
        Arrays.stream(runs).filter(o -> o.labelsToVerdict() > HORIZON / 2).count();
    System.out.printf(
        Locale.ROOT,
        "%s: median labels to the verdict %s (both arms, checked after every label);"
            + " undecided: %d of %d at %d labels, %d at %d%n",
        what,
        median == Integer.MAX_VALUE ? "> " + HORIZON : Integer.toString(median),
        undecidedAtHalf,
        EXPERIMENTS,
        HORIZON / 2,
        undecided,
        HORIZON);
    return median;
  }

  private static void assertAtMostAlpha(long events) {
    double rate = (double) events / EXPERIMENTS;
    assertTrue(rate <= RULES.alpha(), "observed rate " + rate + " > alpha " + RULES.alpha());
    // and not by luck: the rate's own 95% upper bound is below alpha too
    double upper = WilsonScore.interval95(events, EXPERIMENTS).upper();
    assertTrue(upper <= RULES.alpha(), "upper bound " + upper + " > alpha " + RULES.alpha());
  }
}
