package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * A linear projection {@code y = x W^T + b} with the Hugging Face weight layout [out, in], an
 * optional bias and an optional LoRA adapter.
 */
public record Projection(NDArray weight, NDArray bias, LoraAdapter lora) {

  public Projection(NDArray weight, NDArray bias) {
    this(weight, bias, null);
  }

  public long outFeatures() {
    return weight.getShape().get(0);
  }

  public long inFeatures() {
    return weight.getShape().get(1);
  }

  /**
   * Applies the projection; {@code x} must be the first operand so that results belong to the
   * batch's manager, not the weights'.
   */
  public NDArray apply(NDArray x, boolean training) {
    NDArray y = Linear.linear(x, weight, bias).singletonOrThrow();
    if (lora != null) {
      NDArray in = x;
      if (training && lora.dropout() > 0) {
        in = x.getNDArrayInternal().dropout(x, lora.dropout(), true).singletonOrThrow();
      }
      NDArray low = Linear.linear(in, lora.a()).singletonOrThrow();
      y = y.add(Linear.linear(low, lora.b()).singletonOrThrow().mul(lora.scale()));
    }
    return y;
  }

  /** This projection with the adapter merged into the weight (same outputs, no extra cost). */
  public Projection merged() {
    if (lora == null) {
      return this;
    }
    return new Projection(weight.add(lora.delta()), bias, null);
  }

  public Projection withLora(LoraAdapter adapter) {
    return new Projection(weight, bias, adapter);
  }
}
