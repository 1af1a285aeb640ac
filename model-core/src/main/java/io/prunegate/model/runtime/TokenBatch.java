package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A right-padded batch of token ids.
 *
 * @param ids row-major [batch, seqLen] token ids, padding after each row's length
 * @param lengths valid tokens per row (each >= 1)
 * @param seqLen padded length
 * @param truncated per row, whether the text was cut to fit the model's window
 */
public record TokenBatch(long[] ids, int[] lengths, int seqLen, boolean[] truncated) {

  public TokenBatch {
    if (lengths.length == 0) {
      throw new IllegalArgumentException("empty batch");
    }
    if (ids.length != (long) lengths.length * seqLen) {
      throw new IllegalArgumentException(
          ids.length + " ids for " + lengths.length + " rows of " + seqLen);
    }
    for (int len : lengths) {
      if (len < 1 || len > seqLen) {
        throw new IllegalArgumentException("row length " + len + " outside 1.." + seqLen);
      }
    }
    if (truncated.length != lengths.length) {
      throw new IllegalArgumentException("truncated flags do not match the batch size");
    }
  }

  /** Builds a batch from unpadded rows, padding with {@code padId}. */
  public static TokenBatch of(long[][] rows, long padId) {
    int t = 0;
    for (long[] r : rows) {
      t = Math.max(t, r.length);
    }
    long[] ids = new long[rows.length * t];
    int[] lengths = new int[rows.length];
    java.util.Arrays.fill(ids, padId);
    for (int b = 0; b < rows.length; b++) {
      System.arraycopy(rows[b], 0, ids, b * t, rows[b].length);
      lengths[b] = rows[b].length;
    }
    return new TokenBatch(ids, lengths, t, new boolean[rows.length]);
  }

  public int batchSize() {
    return lengths.length;
  }

  /** Number of valid (non-pad) tokens. */
  public long validTokens() {
    long n = 0;
    for (int len : lengths) {
      n += len;
    }
    return n;
  }

  /** The ids as an INT64 [batch, seqLen] array in {@code manager}. */
  public NDArray idsArray(NDManager manager) {
    return manager.create(ids, new Shape(batchSize(), seqLen));
  }

  /** 1 for valid positions, 0 for padding, as FLOAT32 [batch, seqLen]. */
  public float[] maskValues() {
    float[] m = new float[lengths.length * seqLen];
    for (int b = 0; b < lengths.length; b++) {
      for (int t = 0; t < lengths[b]; t++) {
        m[b * seqLen + t] = 1f;
      }
    }
    return m;
  }

  /** The rows at {@code rows}, re-padded to their own longest length. */
  public TokenBatch select(int[] rows) {
    int t = 0;
    for (int r : rows) {
      t = Math.max(t, lengths[r]);
    }
    long[] out = new long[rows.length * t];
    int[] lens = new int[rows.length];
    boolean[] trunc = new boolean[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(ids, rows[i] * seqLen, out, i * t, t);
      lens[i] = lengths[rows[i]];
      trunc[i] = truncated[rows[i]];
    }
    return new TokenBatch(out, lens, t, trunc);
  }
}
