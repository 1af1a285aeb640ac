package io.prunegate.experiments.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.experiments.policy.DecisionRules;
import io.prunegate.experiments.stats.Agreement;
import io.prunegate.experiments.stats.ArmTally;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Each way to a verdict, one case at a time, under the default rules unless said otherwise. */
class ExperimentJudgeTest {

  private static final Duration HOUR = Duration.ofHours(1);
  private final ExperimentJudge judge = new ExperimentJudge(DecisionRules.DEFAULTS);

  private static ArmSnapshot arm(long labelled, long correct, double p99, long errors) {
    return new ArmSnapshot(
        new ArmTally(labelled, labelled, correct), OptionalDouble.of(p99), errors);
  }

  private static ArmSnapshot arm(long labelled, long correct) {
    return arm(labelled, correct, 20, 0);
  }

  @Test
  void waitsForTheMinimumOfLabelsOnBothArms() {
    Verdict v = judge.judge(arm(100, 90), arm(5000, 4500), HOUR);
    assertInstanceOf(Verdict.Continue.class, v);
    assertTrue(v.reason().contains("labels"), v.reason());
    assertFalse(v.isFinal());
  }

  @Test
  void promotesWhenTheWholeIntervalIsAboveMinusTheMargin() {
    Verdict v = judge.judge(arm(20_000, 18_000), arm(20_000, 18_100), HOUR);
    assertInstanceOf(Verdict.Promote.class, v, v.reason());
    assertTrue(v.reason().contains("guards hold"), v.reason());
    assertTrue(
        judge.difference(arm(20_000, 18_000).tally(), arm(20_000, 18_100).tally()).lower() > -0.01);
  }

  @Test
  void rollsBackWhenTheWholeIntervalIsBelowMinusTheMargin() {
    Verdict v = judge.judge(arm(1000, 900), arm(1000, 800), HOUR);
    assertInstanceOf(Verdict.Rollback.class, v);
    assertTrue(v.reason().startsWith("accuracy:"), v.reason());
  }

  @Test
  void continuesWhileTheIntervalContainsMinusTheMargin() {
    Verdict v = judge.judge(arm(500, 450), arm(500, 445), HOUR);
    assertInstanceOf(Verdict.Continue.class, v);
    assertTrue(v.reason().contains("margin"), v.reason());
  }

  @Test
  void aSlowChallengerIsRolledBackOnceBothArmsHaveEnoughRequests() {
    ArmSnapshot champion = new ArmSnapshot(new ArmTally(300, 0, 0), OptionalDouble.of(20), 0);
    ArmSnapshot slow = new ArmSnapshot(new ArmTally(300, 0, 0), OptionalDouble.of(31), 0);
    Verdict v = judge.judge(champion, slow, HOUR);
    assertInstanceOf(Verdict.Rollback.class, v);
    assertTrue(v.reason().startsWith("latency guard"), v.reason());
    // exactly 1.5x is allowed
    ArmSnapshot atLimit = new ArmSnapshot(new ArmTally(300, 0, 0), OptionalDouble.of(30), 0);
    assertInstanceOf(Verdict.Continue.class, judge.judge(champion, atLimit, HOUR));
    // too few requests: no guard verdict yet
    ArmSnapshot early = new ArmSnapshot(new ArmTally(100, 0, 0), OptionalDouble.of(90), 0);
    assertInstanceOf(Verdict.Continue.class, judge.judge(champion, early, HOUR));
  }

  @Test
  void promotionWaitsForLatencyUnlessTheGuardIsOff() {
    ArmSnapshot champion = ArmSnapshot.of(new ArmTally(20_000, 20_000, 18_000));
    ArmSnapshot challenger = ArmSnapshot.of(new ArmTally(20_000, 20_000, 18_100));
    Verdict v = judge.judge(champion, challenger, HOUR);
    assertInstanceOf(Verdict.Continue.class, v);
    assertTrue(v.reason().contains("guards"), v.reason());
    DecisionRules d = DecisionRules.DEFAULTS;
    DecisionRules noLatency =
        new DecisionRules(
            d.nonInferiorityMarginPoints(),
            d.alpha(),
            d.minLabelledPerArm(),
            d.maxDuration(),
            false,
            d.latencyGuardP99Factor(),
            d.errorRateGuardPoints(),
            d.labelFreeMinAgreement(),
            d.labelFreeMinComparisons(),
            d.plannedLabelsPerArm());
    assertInstanceOf(
        Verdict.Promote.class, new ExperimentJudge(noLatency).judge(champion, challenger, HOUR));
  }

  @Test
  void anErrorProneChallengerIsRolledBack() {
    // champion 1% errors; the challenger may have 1 point more (2%), not 2.5%
    ArmSnapshot champion = arm(198, 178, 20, 2);
    Verdict v = judge.judge(champion, arm(195, 175, 20, 5), HOUR);
    assertInstanceOf(Verdict.Rollback.class, v);
    assertTrue(v.reason().startsWith("error-rate guard"), v.reason());
    assertInstanceOf(Verdict.Continue.class, judge.judge(champion, arm(196, 176, 20, 4), HOUR));
  }

  @Test
  void isInconclusiveAtTheMaximumDurationUnlessItCanDecide() {
    Duration week = Duration.ofDays(7);
    assertInstanceOf(
        Verdict.Continue.class, judge.judge(arm(500, 450), arm(500, 445), week.minusSeconds(1)));
    Verdict v = judge.judge(arm(500, 450), arm(500, 445), week);
    assertInstanceOf(Verdict.Inconclusive.class, v);
    assertTrue(v.reason().contains("0.8900 of 500"), v.reason());
    assertTrue(v.isFinal());
    assertInstanceOf(Verdict.Rollback.class, judge.judge(arm(1000, 900), arm(1000, 800), week));
    assertInstanceOf(Verdict.Inconclusive.class, judge.judge(arm(0, 0), arm(0, 0), week));
  }

  @Test
  void aShadowIsJudgedByItsAgreementUntilLabelsDecide() {
    ArmSnapshot champion = new ArmSnapshot(new ArmTally(2000, 0, 0), OptionalDouble.of(20), 0);
    ArmSnapshot shadow = new ArmSnapshot(new ArmTally(2000, 0, 0), OptionalDouble.of(22), 0);
    Verdict agrees = judge.judgeShadow(champion, shadow, new Agreement(2000, 1990), HOUR);
    assertInstanceOf(Verdict.Promote.class, agrees);
    assertTrue(agrees.reason().startsWith("agreement"), agrees.reason());
    assertInstanceOf(
        Verdict.Rollback.class,
        judge.judgeShadow(champion, shadow, new Agreement(1000, 900), HOUR));
    // 97.5% over 1,000: the lower Wilson bound (96.3%) is not yet 97%
    assertInstanceOf(
        Verdict.Continue.class,
        judge.judgeShadow(champion, shadow, new Agreement(1000, 975), HOUR));
    // all agree, but on fewer than the minimum of comparisons
    assertInstanceOf(
        Verdict.Continue.class, judge.judgeShadow(champion, shadow, new Agreement(999, 999), HOUR));
    // labels, when they decide, win over agreement
    assertInstanceOf(
        Verdict.Rollback.class,
        judge.judgeShadow(arm(1000, 900), arm(1000, 800), new Agreement(2000, 1990), HOUR));
    assertEquals(DecisionRules.DEFAULTS, judge.rules());
  }
}
