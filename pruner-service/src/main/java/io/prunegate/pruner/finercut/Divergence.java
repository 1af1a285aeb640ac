package io.prunegate.pruner.finercut;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * FinerCut's output distances as pure functions over row-aligned arrays, computed in float64 so
 * that divergences of nearly identical models (1e-6 and below) keep their precision. Each returns
 * the sum over rows, so that batches can be accumulated and divided by the total row count.
 */
public final class Divergence {

  private static final double LOG_HALF = Math.log(0.5);

  private Divergence() {}

  /** Row-wise log-softmax of {@code logits} [N, C] in float64: the form both JS inputs take. */
  public static NDArray logProbabilities(NDArray logits) {
    return logits.toType(DataType.FLOAT64, false).logSoftmax(-1);
  }

  /**
   * Sum over rows of the Jensen-Shannon divergence (natural log) between the distributions whose
   * log-probabilities are {@code logP} and {@code logQ} [N, C]: {@code KL(P||M)/2 + KL(Q||M)/2}
   * with {@code M = (P + Q) / 2}.
   */
  public static double jensenShannonSum(NDArray logP, NDArray logQ) {
    NDArray p = logP.exp();
    NDArray q = logQ.exp();
    // log M = log((P + Q) / 2), computed from the logs so that tiny probabilities stay exact.
    NDArray logM =
        logP.maximum(logQ).add(logP.sub(logQ).abs().neg().exp().add(1.0).log()).add(LOG_HALF);
    NDArray klP = p.mul(logP.sub(logM)).sum();
    NDArray klQ = q.mul(logQ.sub(logM)).sum();
    return 0.5 * (klP.getDouble() + klQ.getDouble());
  }

  /**
   * Unit-normalised rows of {@code hidden} [N, D] in float64: the form {@link #angularSum} takes.
   */
  public static NDArray unitRows(NDArray hidden) {
    NDArray h = hidden.toType(DataType.FLOAT64, false);
    return h.div(h.square().sum(new int[] {-1}, true).sqrt().maximum(1e-300));
  }

  /**
   * Sum over rows of the angular distance {@code arccos(cos(a, b)) / pi} in [0, 1] between unit
   * rows {@code a} and {@code b} [N, D].
   */
  public static double angularSum(NDArray unitA, NDArray unitB) {
    NDArray cos = unitA.mul(unitB).sum(new int[] {-1}).clip(-1.0, 1.0);
    return cos.acos().sum().getDouble() / Math.PI;
  }
}
