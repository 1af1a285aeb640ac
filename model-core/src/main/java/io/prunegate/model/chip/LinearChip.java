package io.prunegate.model.chip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import io.prunegate.model.safetensors.SafetensorsWriter;

/** A linear chip: {@code logits = x W^T + b}, W of shape [C, D]. */
public record LinearChip(int depth, NDArray weight, NDArray bias) implements Chip {

  /** Shapes that fit together, checked here so that a bad file fails at load, not at inference. */
  public LinearChip {
    long classes = matrix(weight, "chip." + depth + ".linear.weight")[0];
    vector(bias, "chip." + depth + ".linear.bias", classes);
  }

  /** The shape of a 2-D weight named {@code name}; anything else is refused naming it. */
  static long[] matrix(NDArray a, String name) {
    long[] shape = a.getShape().getShape();
    if (shape.length != 2 || shape[0] < 1 || shape[1] < 1) {
      throw new IllegalArgumentException(
          name + " must be a non-empty matrix, has shape " + java.util.Arrays.toString(shape));
    }
    return shape;
  }

  /** A bias named {@code name} of {@code length} elements; anything else is refused naming it. */
  static void vector(NDArray a, String name, long length) {
    long[] shape = a.getShape().getShape();
    if (shape.length != 1 || shape[0] != length) {
      throw new IllegalArgumentException(
          name + " has shape " + java.util.Arrays.toString(shape) + ", expected [" + length + "]");
    }
  }

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
