package io.prunegate.pruner.llmpruner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.prunegate.model.runtime.AttentionBlock;
import io.prunegate.model.runtime.FeedForwardBlock;
import io.prunegate.model.runtime.LayerWeights;
import io.prunegate.model.runtime.Projection;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.pruner.lora.TrainingLoss;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradients of a calibration loss with respect to the prunable projections of chosen layers, the
 * input of LLM-Pruner's Taylor importance. Each batch is differentiated in its own manager; the
 * gradient of the mean loss over batches (and, on request, the diagonal Fisher: the mean of the
 * squared per-batch gradients) accumulate on the device and are copied off once at the end.
 */
public final class CalibrationGradients {

  private CalibrationGradients() {}

  /**
   * The result: per layer, its projections' weights and statistics, and the mean calibration loss.
   */
  public record Result(Map<Integer, LayerGradients> layers, double meanLoss) {}

  /**
   * Differentiates {@code loss} over {@code batches}. {@code model} must be a training-mode
   * transformer (unfused projections). Weights of {@code layers} get gradients only during the
   * call.
   */
  public static Result collect(
      Transformer model,
      List<Integer> layers,
      List<TokenBatch> batches,
      TrainingLoss loss,
      boolean fisher,
      ProgressListener progress) {
    if (!model.training()) {
      throw new IllegalArgumentException("importance needs a transformer loaded for training");
    }
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("no calibration batches");
    }
    List<NDArray> params = new ArrayList<>();
    for (int layer : layers) {
      LayerWeights l = model.weights().layers().get(layer);
      if (l.attention() != null) {
        AttentionBlock a = l.attention();
        addParams(params, a.q(), a.k(), a.v(), a.o());
      }
      if (l.ffn() != null) {
        FeedForwardBlock f = l.ffn();
        addParams(params, f.gate(), f.up(), f.down());
      }
    }
    NDArray anchor = model.weights().embeddings().tokens();
    try (NDManager acc = anchor.getManager().newSubManager()) {
      NDArray[] gradSum = new NDArray[params.size()];
      NDArray[] fisherSum = new NDArray[params.size()];
      for (int i = 0; i < params.size(); i++) {
        params.get(i).setRequiresGradient(true);
        gradSum[i] = acc.zeros(params.get(i).getShape());
        fisherSum[i] = fisher ? acc.zeros(params.get(i).getShape()) : null;
      }
      double lossSum = 0;
      try {
        for (int b = 0; b < batches.size(); b++) {
          try (NDManager m = anchor.getManager().newSubManager();
              GradientCollector gc = anchor.getManager().getEngine().newGradientCollector()) {
            NDArray l = loss.compute(model, m, batches.get(b));
            lossSum += l.getFloat();
            gc.backward(l);
          }
          for (int i = 0; i < params.size(); i++) {
            NDArray g = params.get(i).getGradient();
            gradSum[i].addi(g);
            if (fisher) {
              NDArray sq = g.square();
              fisherSum[i].addi(sq);
              sq.close();
            }
            g.subi(g); // PyTorch accumulates gradients: clear them for the next batch
            g.close();
          }
          progress.update(
              (b + 1.0) / batches.size(), "gradients " + (b + 1) + "/" + batches.size());
        }
      } finally {
        for (NDArray p : params) {
          p.setRequiresGradient(false);
        }
      }
      float scale = 1f / batches.size();
      Map<Integer, LayerGradients> out = new LinkedHashMap<>();
      int[] cursor = {0};
      for (int layer : layers) {
        LayerWeights l = model.weights().layers().get(layer);
        ProjectionGradients q = null;
        ProjectionGradients k = null;
        ProjectionGradients v = null;
        ProjectionGradients o = null;
        ProjectionGradients gate = null;
        ProjectionGradients up = null;
        ProjectionGradients down = null;
        if (l.attention() != null) {
          AttentionBlock a = l.attention();
          q = copy(a.q(), params, gradSum, fisherSum, scale, cursor);
          k = copy(a.k(), params, gradSum, fisherSum, scale, cursor);
          v = copy(a.v(), params, gradSum, fisherSum, scale, cursor);
          o = copy(a.o(), params, gradSum, fisherSum, scale, cursor);
        }
        if (l.ffn() != null) {
          FeedForwardBlock f = l.ffn();
          gate =
              f.gate() == null ? null : copy(f.gate(), params, gradSum, fisherSum, scale, cursor);
          up = copy(f.up(), params, gradSum, fisherSum, scale, cursor);
          down = copy(f.down(), params, gradSum, fisherSum, scale, cursor);
        }
        out.put(layer, new LayerGradients(layer, q, k, v, o, gate, up, down));
      }
      return new Result(out, lossSum / batches.size());
    }
  }

  private static void addParams(List<NDArray> params, Projection... projections) {
    for (Projection p : projections) {
      if (p != null) {
        params.add(p.weight());
        if (p.bias() != null) {
          params.add(p.bias());
        }
      }
    }
  }

  /** Copies one projection's statistics off the device, consuming its slots in {@code params}. */
  private static ProjectionGradients copy(
      Projection p,
      List<NDArray> params,
      NDArray[] gradSum,
      NDArray[] fisherSum,
      float scale,
      int[] cursor) {
    int w = cursor[0]++;
    float[] bias = null;
    float[] biasGrad = null;
    float[] biasFisher = null;
    if (p.bias() != null) {
      int b = cursor[0]++;
      bias = params.get(b).toFloatArray();
      biasGrad = scaled(gradSum[b], scale);
      biasFisher = fisherSum[b] == null ? null : scaled(fisherSum[b], scale);
    }
    return new ProjectionGradients(
        (int) p.outFeatures(),
        (int) p.inFeatures(),
        params.get(w).toFloatArray(),
        scaled(gradSum[w], scale),
        fisherSum[w] == null ? null : scaled(fisherSum[w], scale),
        bias,
        biasGrad,
        biasFisher);
  }

  private static float[] scaled(NDArray a, float scale) {
    float[] v = a.toFloatArray();
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    return v;
  }
}
