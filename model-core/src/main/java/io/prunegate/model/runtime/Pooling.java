package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;

/** How a sequence's hidden states become one vector for a classifier head (a chip). */
public enum Pooling {
  /** The first token ([CLS] in BERT). */
  CLS,
  /** The mean over valid tokens. */
  MEAN,
  /** The last valid token: what decoders see last (the chip-tuning paper's choice). */
  LAST_TOKEN;

  /** Pools [B, T, D] hidden states to [B, D]. */
  public NDArray apply(NDManager m, NDArray hidden, AttentionContext ctx) {
    return switch (this) {
      case CLS -> hidden.get(":, 0, :");
      case MEAN -> {
        NDArray valid = ctx.validMask().expandDims(2);
        float[] lens = new float[ctx.lengths().length];
        for (int i = 0; i < lens.length; i++) {
          lens[i] = ctx.lengths()[i];
        }
        yield hidden.mul(valid).sum(new int[] {1}).div(m.create(lens).expandDims(1));
      }
      case LAST_TOKEN -> {
        long b = hidden.getShape().get(0);
        long t = hidden.getShape().get(1);
        long[] idx = new long[(int) b];
        for (int i = 0; i < b; i++) {
          idx[i] = i * t + ctx.lengths()[i] - 1;
        }
        yield hidden.reshape(b * t, hidden.getShape().get(2)).get(m.create(idx));
      }
    };
  }

  /** Parses {@code cls}, {@code mean} or {@code last} / {@code last_token}. */
  public static Pooling parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "cls" -> CLS;
      case "mean" -> MEAN;
      case "last", "last_token" -> LAST_TOKEN;
      default ->
          throw new IllegalArgumentException("unknown pooling '" + text + "' (cls|mean|last)");
    };
  }

  public String wireName() {
    return this == LAST_TOKEN ? "last" : name().toLowerCase(Locale.ROOT);
  }
}
