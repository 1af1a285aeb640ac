package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * What every layer of one batch shares: the additive attention mask ({@code 0} or a large negative
 * value; [B,1,1,T] for encoders, null when no row is padded; [B,1,T,T] causal for decoders), the
 * validity mask [B,T], RoPE tables [T, headDim] for decoders, and the row lengths.
 */
public record AttentionContext(
    NDArray maskBias,
    NDArray validMask,
    NDArray ropeCos,
    NDArray ropeSin,
    int[] lengths,
    NDArray validIndex) {

  /** Additive bias for masked positions: large enough to zero their softmax weight. */
  public static final float MASKED = -1e30f;

  /** Flat positions of the valid tokens of right-padded rows, or null when none is padded. */
  public static NDArray validIndex(NDManager m, int[] lengths, int seqLen) {
    int n = 0;
    for (int len : lengths) {
      n += len;
    }
    if (n == lengths.length * seqLen) {
      return null;
    }
    long[] idx = new long[n];
    int k = 0;
    for (int b = 0; b < lengths.length; b++) {
      for (int t = 0; t < lengths[b]; t++) {
        idx[k++] = (long) b * seqLen + t;
      }
    }
    return m.create(idx);
  }

  public int seqLen() {
    return (int) validMask.getShape().get(1);
  }

  public int batchSize() {
    return lengths.length;
  }

  /**
   * The context of the rows {@code rows} only, trimmed to their longest length (early exit: the
   * batch shrinks instead of carrying finished rows as padding).
   */
  public AttentionContext select(NDManager m, NDArray rowIndex, int[] rows) {
    int[] lens = new int[rows.length];
    int t = 0;
    for (int i = 0; i < rows.length; i++) {
      lens[i] = lengths[rows[i]];
      t = Math.max(t, lens[i]);
    }
    String keys = "..., 0:" + t;
    NDArray bias = null;
    if (maskBias != null) {
      bias = maskBias.get(rowIndex);
      bias = bias.getShape().get(2) == 1 ? bias.get(keys) : bias.get(":, :, 0:" + t + ", 0:" + t);
    }
    NDArray valid = validMask.get(rowIndex).get(keys);
    NDArray cos = ropeCos == null ? null : ropeCos.get(m, new NDIndex("0:" + t));
    NDArray sin = ropeSin == null ? null : ropeSin.get(m, new NDIndex("0:" + t));
    return new AttentionContext(bias, valid, cos, sin, lens, validIndex(m, lens, t));
  }
}
