package io.prunegate.model.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.chip.Chip;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.runtime.HiddenState;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.model.safetensors.SafetensorsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies texts with a backbone and its chips, leaving early: after each layer that carries a
 * chip, the examples whose top probability reaches the chip's threshold are answered and removed
 * from the batch (which shrinks and is re-trimmed to its longest remaining row); the deepest chip
 * answers the rest. Each batch runs in its own NDManager scope.
 */
public final class TextClassifier implements AutoCloseable {

  private final LoadedModel model;
  private final ChipSet chips;
  private final boolean ownsModel;

  private TextClassifier(LoadedModel model, ChipSet chips, boolean ownsModel) {
    if (chips.maxDepth() > model.config().numLayers()) {
      throw new IllegalArgumentException(
          "a chip reads depth "
              + chips.maxDepth()
              + " but the backbone has "
              + model.config().numLayers()
              + " layers");
    }
    for (Chip c : chips.chips()) {
      if (c.inputDim() != model.config().hiddenSize()) {
        throw new IllegalArgumentException(
            "chip at depth "
                + c.depth()
                + " reads "
                + c.inputDim()
                + " features, the model has "
                + model.config().hiddenSize());
      }
    }
    this.model = model;
    this.chips = chips;
    this.ownsModel = ownsModel;
  }

  /** Loads a variant bundle directory: model files plus {@value ChipSet#FILE_NAME}. */
  public static TextClassifier load(Path bundleDir, RuntimeOptions options) {
    LoadedModel model = LoadedModel.load(bundleDir, options);
    try {
      ChipSet chips = ChipSet.read(bundleDir, model.manager());
      try {
        return new TextClassifier(model, chips, true);
      } catch (IllegalArgumentException e) {
        // Chips that do not fit this backbone: the chips file is what is wrong.
        throw new SafetensorsException(bundleDir.resolve(ChipSet.FILE_NAME), e.getMessage(), e);
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** A classifier over an already loaded model; closing it leaves the model open. */
  public static TextClassifier of(LoadedModel model, ChipSet chips) {
    return new TextClassifier(model, chips, false);
  }

  public List<String> labels() {
    return chips.labels();
  }

  public ChipSet chips() {
    return chips;
  }

  public LoadedModel model() {
    return model;
  }

  /** Tokenizes and classifies, with early exit. */
  public List<Prediction> classify(List<String> texts) {
    return classify(model.tokenize(texts), true);
  }

  /**
   * Classifies a batch. With {@code earlyExit} false every example runs to the deepest chip (the
   * reference a variant's early-exit accuracy is compared to). A NaN or infinite probability throws
   * {@link NonFiniteOutputException}: such an answer is never returned.
   */
  public List<Prediction> classify(TokenBatch batch, boolean earlyExit) {
    Transformer t = model.transformer();
    Prediction[] out = new Prediction[batch.batchSize()];
    try (NDManager m = model.newBatchManager()) {
      HiddenState s = t.embed(m, batch);
      int[] active = new int[batch.batchSize()];
      for (int i = 0; i < active.length; i++) {
        active[i] = i;
      }
      int last = chips.maxDepth();
      for (int layer = 0; layer < last && active.length > 0; layer++) {
        s = t.attention(layer, s, false);
        s = t.feedForward(layer, s, false);
        int depth = layer + 1;
        var chip = chips.at(depth);
        if (chip.isEmpty() || (!earlyExit && depth != last)) {
          continue;
        }
        NDArray pooled = chips.pooling().apply(m, s.hidden(), s.context());
        float[] probs = chip.get().logits(pooled).softmax(-1).toFloatArray();
        int c = chips.labels().size();
        for (int i = 0; i < probs.length; i++) {
          if (!Float.isFinite(probs[i])) {
            throw new NonFiniteOutputException(depth, active[i / c]);
          }
        }
        double threshold = chips.threshold(depth).orElse(Double.NEGATIVE_INFINITY);
        List<Integer> keep = new ArrayList<>();
        for (int r = 0; r < active.length; r++) {
          int best = 0;
          for (int k = 1; k < c; k++) {
            if (probs[r * c + k] > probs[r * c + best]) {
              best = k;
            }
          }
          if (depth == last || probs[r * c + best] >= threshold) {
            float[] p = new float[c];
            System.arraycopy(probs, r * c, p, 0, c);
            int row = active[r];
            out[row] =
                new Prediction(best, chips.labels().get(best), p, depth, batch.truncated()[row]);
          } else {
            keep.add(r);
          }
        }
        if (keep.size() < active.length && !keep.isEmpty()) {
          int[] local = keep.stream().mapToInt(Integer::intValue).toArray();
          s = s.select(m, local);
          int[] next = new int[local.length];
          for (int i = 0; i < local.length; i++) {
            next[i] = active[local[i]];
          }
          active = next;
        } else if (keep.isEmpty()) {
          active = new int[0];
        }
      }
    }
    return List.of(out);
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }
}
