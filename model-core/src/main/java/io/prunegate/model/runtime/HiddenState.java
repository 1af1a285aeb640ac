package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The residual stream [B, T, D] of a batch between sublayers, with its attention context. */
public record HiddenState(NDArray hidden, AttentionContext context) {

  public HiddenState withHidden(NDArray next) {
    return new HiddenState(next, context);
  }

  /** The rows {@code rows} only (indices into this batch), trimmed to their longest length. */
  public HiddenState select(NDManager m, int[] rows) {
    long[] idx = new long[rows.length];
    int t = 0;
    for (int i = 0; i < rows.length; i++) {
      idx[i] = rows[i];
      t = Math.max(t, context.lengths()[rows[i]]);
    }
    NDArray rowIndex = m.create(idx);
    NDArray h = hidden.get(rowIndex).get(":, 0:" + t + ", :");
    return new HiddenState(h, context.select(m, rowIndex, rows));
  }
}
