package io.prunegate.experiments.service;

import io.prunegate.experiments.action.ActionOutcome;
import io.prunegate.experiments.decision.ArmSnapshot;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.Experiment;
import io.prunegate.experiments.stats.Agreement;
import io.prunegate.experiments.stats.Interval;

/**
 * One experiment as the service last judged it.
 *
 * @param experiment the experiment
 * @param champion the champion arm's figures
 * @param challenger the challenger's (or shadow's) figures
 * @param difference the confidence sequence's interval for challenger - champion accuracy, or null
 *     before both arms have a label
 * @param agreement a shadow's agreement with the champion ({@link Agreement#NONE} for a challenger)
 * @param verdict the verdict then
 * @param action what acting on a final verdict did, or null (not final, not acted on, or {@code
 *     --no-act})
 * @param judgedAtMs when it was judged
 */
public record ExperimentStatus(
    Experiment experiment,
    ArmSnapshot champion,
    ArmSnapshot challenger,
    Interval difference,
    Agreement agreement,
    Verdict verdict,
    ActionOutcome action,
    long judgedAtMs) {

  /** True once the verdict is final (promote, rollback, inconclusive). */
  public boolean decided() {
    return verdict.isFinal();
  }
}
