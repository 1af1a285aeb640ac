package io.prunegate.pruner.llmpruner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.runtime.AttentionBlock;
import io.prunegate.model.runtime.FeedForwardBlock;
import io.prunegate.model.runtime.LayerWeights;
import io.prunegate.model.runtime.Projection;
import io.prunegate.model.runtime.TransformerWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * Physically removes pruned groups: the kept rows of q/k/v (and their biases), the kept columns of
 * o, the kept rows of gate/up and columns of down are copied into new, smaller arrays, so the
 * variant is smaller on disk and in memory and runs faster. Layers outside the plan share the
 * source arrays: keep the source weights alive while the result is used (or write it out).
 */
public final class StructuredSlicer {

  private StructuredSlicer() {}

  /** A pruned model: its config (per-layer structure) and weights. */
  public record Sliced(ModelConfig config, TransformerWeights weights) {}

  /** Applies {@code plan}; new arrays belong to {@code manager}. */
  public static Sliced apply(
      ModelConfig config, TransformerWeights weights, PruningPlan plan, NDManager manager) {
    List<LayerStructure> structures = new ArrayList<>(config.layers());
    List<LayerWeights> layers = new ArrayList<>(weights.layers());
    int hd = config.headDim();
    for (LayerPlan p : plan.layers()) {
      int i = p.layer();
      LayerStructure s = config.layer(i);
      LayerWeights l = layers.get(i);
      int[] groups = p.keptKvGroups();
      int[] channels = p.keptFfnChannels();
      check(groups, s.kvHeads(), "kv group", i);
      check(channels, s.ffnWidth(), "FFN channel", i);
      AttentionBlock attention = null;
      int heads = 0;
      if (groups.length > 0) {
        int perGroup = s.attentionHeads() / s.kvHeads();
        int[] qRows = new int[groups.length * perGroup * hd];
        int[] kvRows = new int[groups.length * hd];
        int n = 0;
        for (int g : groups) {
          for (int j = 0; j < perGroup * hd; j++) {
            qRows[n++] = g * perGroup * hd + j;
          }
        }
        for (int gi = 0; gi < groups.length; gi++) {
          for (int j = 0; j < hd; j++) {
            kvRows[gi * hd + j] = groups[gi] * hd + j;
          }
        }
        AttentionBlock a = l.attention();
        attention =
            new AttentionBlock(
                rows(a.q(), qRows, manager),
                rows(a.k(), kvRows, manager),
                rows(a.v(), kvRows, manager),
                columns(a.o(), qRows, manager));
        heads = groups.length * perGroup;
      }
      FeedForwardBlock ffn = null;
      if (channels.length > 0) {
        FeedForwardBlock f = l.ffn();
        ffn =
            new FeedForwardBlock(
                f.gate() == null ? null : rows(f.gate(), channels, manager),
                rows(f.up(), channels, manager),
                columns(f.down(), channels, manager));
      }
      layers.set(i, l.withAttention(attention).withFfn(ffn));
      structures.set(i, new LayerStructure(heads, groups.length, channels.length));
    }
    return new Sliced(config.withLayers(structures), weights.withLayers(layers));
  }

  private static void check(int[] kept, int available, String what, int layer) {
    for (int k : kept) {
      if (k >= available) {
        throw new IllegalArgumentException(
            "layer " + layer + ": " + what + " " + k + " outside 0.." + (available - 1));
      }
    }
  }

  /** Kept output rows (and bias elements). */
  private static Projection rows(Projection p, int[] keep, NDManager m) {
    int cols = (int) p.inFeatures();
    float[] w = p.weight().toFloatArray();
    float[] out = new float[keep.length * cols];
    for (int r = 0; r < keep.length; r++) {
      System.arraycopy(w, keep[r] * cols, out, r * cols, cols);
    }
    NDArray bias = null;
    if (p.bias() != null) {
      float[] b = p.bias().toFloatArray();
      float[] kb = new float[keep.length];
      for (int r = 0; r < keep.length; r++) {
        kb[r] = b[keep[r]];
      }
      bias = m.create(kb);
    }
    return new Projection(m.create(out, new Shape(keep.length, cols)), bias);
  }

  /** Kept input columns; the bias is per output row, so it stays. */
  private static Projection columns(Projection p, int[] keep, NDManager m) {
    int rows = (int) p.outFeatures();
    int cols = (int) p.inFeatures();
    float[] w = p.weight().toFloatArray();
    float[] out = new float[rows * keep.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < keep.length; c++) {
        out[r * keep.length + c] = w[r * cols + keep[c]];
      }
    }
    return new Projection(m.create(out, new Shape(rows, keep.length)), p.bias());
  }
}
