package io.prunegate.pruner.chip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.ForwardOutput;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.tokenizer.TextTokenizer;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs the frozen backbone once over a set of texts and keeps the pooled hidden state after every
 * layer, for each requested pooling. Texts are batched by token length (less padding), each batch
 * in its own NDManager scope; the features come back in the texts' order.
 */
public final class FeatureExtractor {

  private final LoadedModel model;
  private final int batchSize;

  public FeatureExtractor(LoadedModel model, int batchSize) {
    this.model = model;
    this.batchSize = batchSize;
  }

  /** Features of {@code texts} at depths 1..L for every pooling in {@code poolings}. */
  public Map<Pooling, LayerFeatures> extract(
      List<String> texts, List<Pooling> poolings, ProgressListener progress) {
    TextTokenizer tokenizer =
        model.tokenizer().orElseThrow(() -> new IllegalStateException("model has no tokenizer"));
    int layers = model.config().numLayers();
    int dim = model.config().hiddenSize();
    int n = texts.size();
    int[] lengths = tokenizer.lengths(texts);
    int[] order =
        IntStream.range(0, n)
            .boxed()
            .sorted(Comparator.comparingInt((Integer i) -> lengths[i]).thenComparingInt(i -> i))
            .mapToInt(Integer::intValue)
            .toArray();
    Map<Pooling, float[][]> out = new EnumMap<>(Pooling.class);
    for (Pooling p : poolings) {
      out.put(p, new float[layers][n * dim]);
    }
    ForwardOptions options = ForwardOptions.everyLayer(layers);
    options = new ForwardOptions(layers, options.captureDepths(), options.removed(), false, false);
    int batches = (n + batchSize - 1) / batchSize;
    for (int b = 0; b < batches; b++) {
      int from = b * batchSize;
      int to = Math.min(n, from + batchSize);
      List<String> batchTexts = new ArrayList<>(to - from);
      for (int k = from; k < to; k++) {
        batchTexts.add(texts.get(order[k]));
      }
      TokenBatch batch = tokenizer.encode(batchTexts);
      try (NDManager m = model.newBatchManager()) {
        ForwardOutput o = Forward.run(model.transformer(), m, batch, options);
        for (int d = 1; d <= layers; d++) {
          NDArray hidden = o.captured().get(d);
          for (Pooling p : poolings) {
            float[] pooled = p.apply(m, hidden, o.context()).toFloatArray();
            float[] dst = out.get(p)[d - 1];
            for (int r = 0; r < to - from; r++) {
              System.arraycopy(pooled, r * dim, dst, order[from + r] * dim, dim);
            }
          }
        }
      }
      progress.update(
          (double) (b + 1) / batches, "features " + (b + 1) + "/" + batches + " batches");
    }
    Map<Pooling, LayerFeatures> result = new EnumMap<>(Pooling.class);
    out.forEach((p, f) -> result.put(p, new LayerFeatures(f, n, dim)));
    return result;
  }
}
