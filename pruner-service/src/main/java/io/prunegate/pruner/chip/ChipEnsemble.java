package io.prunegate.pruner.chip;

import java.util.List;

/**
 * Merges chips trained from different seeds on the same features into one chip whose logits are the
 * members' mean logits. A linear ensemble is a linear chip with the mean weights; an MLP ensemble
 * is one MLP as wide as the members together, its output layer scaled by 1/K. The merged chip is an
 * ordinary chip: bundles, the runtime and early exit need nothing new.
 *
 * <p>Why: a single MLP chip's validation curve carries initialisation noise of about a point per
 * layer, as large as the selection tolerance; averaging members removes most of that noise and
 * gains a few tenths of a point (docs/chip-tuning.md).
 */
public final class ChipEnsemble {

  private ChipEnsemble() {}

  /** One chip computing the mean logits of {@code members} (same kind, depth and shape). */
  public static ChipWeights merge(List<ChipWeights> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one chip");
    }
    ChipWeights first = members.get(0);
    for (ChipWeights m : members) {
      if (m.kind() != first.kind()
          || m.depth() != first.depth()
          || m.inputDim() != first.inputDim()
          || m.classes() != first.classes()) {
        throw new IllegalArgumentException(
            "ensemble members differ: "
                + describe(first)
                + " vs "
                + describe(m)
                + " (all need the same kind, depth, input width and classes)");
      }
    }
    if (members.size() == 1) {
      return first;
    }
    return first.kind() == ChipKind.LINEAR ? mergeLinear(members) : mergeMlp(members);
  }

  private static ChipWeights mergeLinear(List<ChipWeights> members) {
    ChipWeights f = members.get(0);
    float[] w = new float[f.w1().length];
    float[] b = new float[f.b1().length];
    for (ChipWeights m : members) {
      addScaled(m.w1(), w, 1f / members.size());
      addScaled(m.b1(), b, 1f / members.size());
    }
    return new ChipWeights(
        ChipKind.LINEAR, f.depth(), f.inputDim(), 0, f.classes(), w, b, null, null);
  }

  private static ChipWeights mergeMlp(List<ChipWeights> members) {
    ChipWeights f = members.get(0);
    int dim = f.inputDim();
    int classes = f.classes();
    int hidden = members.stream().mapToInt(ChipWeights::hidden).sum();
    float[] w1 = new float[hidden * dim];
    float[] b1 = new float[hidden];
    float[] w2 = new float[classes * hidden];
    float[] b2 = new float[classes];
    float scale = 1f / members.size();
    int offset = 0;
    for (ChipWeights m : members) {
      int h = m.hidden();
      // Hidden units stack: rows of w1 and b1 concatenate, columns of w2 concatenate (scaled).
      System.arraycopy(m.w1(), 0, w1, offset * dim, h * dim);
      System.arraycopy(m.b1(), 0, b1, offset, h);
      for (int c = 0; c < classes; c++) {
        for (int j = 0; j < h; j++) {
          w2[c * hidden + offset + j] = m.w2()[c * h + j] * scale;
        }
      }
      addScaled(m.b2(), b2, scale);
      offset += h;
    }
    return new ChipWeights(ChipKind.MLP, f.depth(), dim, hidden, classes, w1, b1, w2, b2);
  }

  private static void addScaled(float[] from, float[] to, float scale) {
    for (int i = 0; i < from.length; i++) {
      to[i] += from[i] * scale;
    }
  }

  private static String describe(ChipWeights c) {
    return c.kind().name().toLowerCase()
        + " depth "
        + c.depth()
        + " "
        + c.inputDim()
        + "->"
        + c.classes();
  }
}
