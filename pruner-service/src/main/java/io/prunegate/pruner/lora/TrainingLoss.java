package io.prunegate.pruner.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LanguageModelLoss;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;

/**
 * A differentiable scalar loss of a model on one batch: what LLM-Pruner's importance is the
 * gradient of, and what LoRA recovery minimises. Arrays it creates belong to {@code manager}.
 */
@FunctionalInterface
public interface TrainingLoss {

  /** The mean loss of {@code model} on {@code batch}, a scalar NDArray in {@code manager}. */
  NDArray compute(Transformer model, NDManager manager, TokenBatch batch);

  /** Next-token cross-entropy of a decoder (LM calibration and recovery). */
  static TrainingLoss languageModel() {
    return (model, m, batch) -> {
      int layers = model.config().numLayers();
      var out = Forward.run(model, m, batch, ForwardOptions.full(layers).withLogits());
      return LanguageModelLoss.mean(m, out.logits(), batch);
    };
  }
}
