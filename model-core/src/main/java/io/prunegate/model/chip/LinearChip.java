package io.prunegate.model.chip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import io.prunegate.model.safetensors.SafetensorsWriter;

/** A linear chip: {@code logits = x W^T + b}, W of shape [C, D]. */
public record LinearChip(int depth, NDArray weight, NDArray bias) implements Chip {

  @Override
  public int numClasses() {
    return (int) weight.getShape().get(0);
  }

  @Override
  public int inputDim() {
    return (int) weight.getShape().get(1);
  }

  @Override
  public NDArray logits(NDArray pooled) {
    return Linear.linear(pooled, weight, bias).singletonOrThrow();
  }

  @Override
  public String kind() {
    return "linear";
  }

  @Override
  public void writeTo(SafetensorsWriter writer) {
    writer.put("chip." + depth + ".linear.weight", weight);
    writer.put("chip." + depth + ".linear.bias", bias);
  }

  @Override
  public long parameterCount() {
    return weight.size() + bias.size();
  }
}
