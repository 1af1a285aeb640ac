package io.prunegate.pruner.llmpruner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.ForwardOutput;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.List;

/** The pooled last-layer hidden states of labelled batches: what a last-layer chip reads. */
public final class PooledFeatures {

  private PooledFeatures() {}

  /** Features [examples][hidden] in the examples' original order; one manager per batch. */
  public static float[][] of(
      Transformer model,
      NDManager parent,
      LabelledBatches data,
      Pooling pooling,
      ProgressListener progress) {
    int layers = model.config().numLayers();
    int d = model.config().hiddenSize();
    float[][] out = new float[data.examples()][];
    List<TokenBatch> batches = data.batches();
    for (int i = 0; i < batches.size(); i++) {
      try (NDManager m = parent.newSubManager()) {
        ForwardOutput o = Forward.run(model, m, batches.get(i), ForwardOptions.toDepth(layers));
        NDArray pooled = pooling.apply(m, o.residual(), o.context());
        float[] flat = pooled.toFloatArray();
        int[] rows = data.rows().get(i);
        for (int r = 0; r < rows.length; r++) {
          float[] v = new float[d];
          System.arraycopy(flat, r * d, v, 0, d);
          out[rows[r]] = v;
        }
      }
      progress.update((i + 1.0) / batches.size(), "features " + (i + 1) + "/" + batches.size());
    }
    return out;
  }
}
