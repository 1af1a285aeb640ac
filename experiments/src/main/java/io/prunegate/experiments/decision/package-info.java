/**
 * Verdicts: the pure judge that turns the policy, both arms' statistics and the elapsed time into
 * promote, roll back, inconclusive or keep going.
 */
package io.prunegate.experiments.decision;
