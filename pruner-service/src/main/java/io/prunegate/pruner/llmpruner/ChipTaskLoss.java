package io.prunegate.pruner.llmpruner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.ForwardOutput;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.pruner.lora.TrainingLoss;

/**
 * The encoders' task loss: cross-entropy of a linear chip on the backbone's pooled last layer.
 * During importance estimation the chip is frozen; during LoRA recovery its {@code weight} and
 * {@code bias} may be trained alongside the adapters.
 *
 * @param weight chip weight [classes, hidden]
 * @param bias chip bias [classes]
 * @param pooling how the last layer is pooled
 * @param labels the labels of each batch
 */
public record ChipTaskLoss(NDArray weight, NDArray bias, Pooling pooling, LabelledBatches labels)
    implements TrainingLoss {

  @Override
  public NDArray compute(Transformer model, NDManager m, TokenBatch batch) {
    int layers = model.config().numLayers();
    ForwardOutput o = Forward.run(model, m, batch, ForwardOptions.toDepth(layers));
    NDArray pooled = pooling.apply(m, o.residual(), o.context());
    NDArray logits = Linear.linear(pooled, weight, bias).singletonOrThrow();
    int[] y = labels.labelsOf(batch);
    long[] idx = new long[y.length];
    for (int i = 0; i < y.length; i++) {
      idx[i] = y[i];
    }
    NDArray picked =
        logits.logSoftmax(1).gather(m.create(idx, new Shape(y.length, 1)), 1).squeeze(1);
    return picked.mean().neg();
  }
}
