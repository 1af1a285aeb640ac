package io.prunegate.pruner.llmpruner;

import io.prunegate.model.config.LayerStructure;

/**
 * Scores LLM-Pruner's coupled groups of one layer from its projections' weights and gradients. An
 * attention group is a kv head with the query heads that share it (a single head without
 * grouped-query attention): the q rows of those query heads, the k and v rows of the kv head and
 * the o columns of the query heads. An FFN channel is its gate and up rows (BERT: intermediate row)
 * and its down column (BERT: output column). Each row or column slice is one structure, scored by
 * the {@link ImportanceEstimator}; a group's structures combine by the {@link GroupAggregation}.
 */
public final class GroupImportance {

  private GroupImportance() {}

  /**
   * The attention groups' scores. {@code q, k, v, o} are the layer's projections; {@code s} its
   * structure; {@code headDim} the head width.
   */
  public static double[] attention(
      LayerStructure s,
      int headDim,
      ProjectionGradients q,
      ProjectionGradients k,
      ProjectionGradients v,
      ProjectionGradients o,
      ImportanceEstimator e,
      GroupAggregation agg) {
    int kv = s.kvHeads();
    int perGroup = s.attentionHeads() / kv;
    double[] qRows = q.rowSums(e);
    double[] kRows = k.rowSums(e);
    double[] vRows = v.rowSums(e);
    double[] oCols = o.columnSums(e);
    double[] out = new double[kv];
    double[] structures = new double[2 * perGroup + 2];
    for (int g = 0; g < kv; g++) {
      int n = 0;
      for (int j = 0; j < perGroup; j++) {
        int h = g * perGroup + j;
        structures[n++] = e.finish(slice(qRows, h * headDim, headDim));
        structures[n++] = e.finish(slice(oCols, h * headDim, headDim));
      }
      structures[n++] = e.finish(slice(kRows, g * headDim, headDim));
      structures[n++] = e.finish(slice(vRows, g * headDim, headDim));
      out[g] = agg.combine(structures, n);
    }
    return out;
  }

  /** The FFN channels' scores; {@code gate} is null for BERT. */
  public static double[] feedForward(
      ProjectionGradients gate,
      ProjectionGradients up,
      ProjectionGradients down,
      ImportanceEstimator e,
      GroupAggregation agg) {
    double[] gateRows = gate == null ? null : gate.rowSums(e);
    double[] upRows = up.rowSums(e);
    double[] downCols = down.columnSums(e);
    double[] out = new double[up.rows()];
    double[] structures = new double[3];
    for (int c = 0; c < out.length; c++) {
      int n = 0;
      if (gateRows != null) {
        structures[n++] = e.finish(gateRows[c]);
      }
      structures[n++] = e.finish(upRows[c]);
      structures[n++] = e.finish(downCols[c]);
      out[c] = agg.combine(structures, n);
    }
    return out;
  }

  private static double slice(double[] values, int from, int length) {
    double s = 0;
    for (int i = from; i < from + length; i++) {
      s += values[i];
    }
    return s;
  }
}
