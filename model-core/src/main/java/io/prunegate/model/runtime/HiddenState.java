package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The residual stream of a batch between sublayers, with its attention context. It exists in two
 * forms, converted lazily: padded [B, T, D] ({@link #hidden()}, what callers see) and packed [N, D]
 * with only the N valid tokens ({@link #packed()}), which position-wise sublayers use so that
 * padding costs no FLOPs. Without padding both forms are views of the same array.
 */
public final class HiddenState {

  private NDArray padded;
  private NDArray packed;
  private final AttentionContext context;

  /** A state from padded hidden states [B, T, D]. */
  public HiddenState(NDArray hidden, AttentionContext context) {
    this.padded = hidden;
    this.context = context;
  }

  private HiddenState(NDArray padded, NDArray packed, AttentionContext context) {
    this.padded = padded;
    this.packed = packed;
    this.context = context;
  }

  /** A state from packed valid-token rows [N, D] (see {@link AttentionContext#validIndex()}). */
  public static HiddenState ofPacked(NDArray rows, AttentionContext context) {
    return new HiddenState(null, rows, context);
  }

  public AttentionContext context() {
    return context;
  }

  /** The padded residual stream [B, T, D] (padding rows are zero when unpacked). */
  public NDArray hidden() {
    if (padded == null) {
      long d = packed.getShape().get(1);
      int b = context.batchSize();
      int t = context.seqLen();
      NDArray index = context.validIndex();
      if (index == null) {
        padded = packed.reshape(b, t, d);
      } else {
        NDArray full = packed.getManager().zeros(new Shape((long) b * t, d), packed.getDataType());
        full.set(new NDIndex("{}", index), packed);
        padded = full.reshape(b, t, d);
      }
    }
    return padded;
  }

  /** The valid tokens' rows [N, D] in row-major (batch, position) order. */
  public NDArray packed() {
    if (packed == null) {
      long d = padded.getShape().get(2);
      NDArray flat = padded.reshape(padded.getShape().get(0) * padded.getShape().get(1), d);
      NDArray index = context.validIndex();
      packed = index == null ? flat : flat.get(new NDIndex("{}", index));
    }
    return packed;
  }

  /** The same context with new padded hidden states. */
  public HiddenState withHidden(NDArray next) {
    return new HiddenState(next, context);
  }

  /** The same context with new packed rows. */
  public HiddenState withPacked(NDArray rows) {
    return new HiddenState(null, rows, context);
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
    NDArray h = hidden().get(rowIndex).get(":, 0:" + t + ", :");
    return new HiddenState(h, context.select(m, rowIndex, rows));
  }
}
