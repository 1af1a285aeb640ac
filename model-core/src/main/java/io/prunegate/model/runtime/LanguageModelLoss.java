package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Next-token cross-entropy of decoder logits, the loss of LM calibration and LoRA recovery. */
public final class LanguageModelLoss {

  private LanguageModelLoss() {}

  /**
   * Mean cross-entropy of predicting token t+1 from position t, over the positions where both
   * tokens are valid. Differentiable (a scalar NDArray).
   */
  public static NDArray mean(NDManager m, NDArray logits, TokenBatch batch) {
    int b = batch.batchSize();
    int t = batch.seqLen();
    if (t < 2) {
      throw new IllegalArgumentException("need sequences of at least 2 tokens for an LM loss");
    }
    NDArray logp = logits.get(":, 0:" + (t - 1) + ", :").logSoftmax(-1);
    long[] targets = new long[b * (t - 1)];
    float[] mask = new float[b * (t - 1)];
    for (int r = 0; r < b; r++) {
      for (int p = 0; p < t - 1; p++) {
        targets[r * (t - 1) + p] = batch.ids()[r * t + p + 1];
        mask[r * (t - 1) + p] = p + 1 < batch.lengths()[r] ? 1f : 0f;
      }
    }
    NDArray idx = m.create(targets, new Shape(b, t - 1, 1));
    NDArray picked = logp.gather(idx, 2).squeeze(2);
    NDArray weights = m.create(mask, new Shape(b, t - 1));
    return picked.mul(weights).sum().neg().div(weights.sum());
  }
}
