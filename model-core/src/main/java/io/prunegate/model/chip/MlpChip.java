package io.prunegate.model.chip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import io.prunegate.model.safetensors.SafetensorsWriter;

/** A two-layer MLP chip: {@code logits = W2 relu(W1 x + b1) + b2}. */
public record MlpChip(int depth, NDArray w1, NDArray b1, NDArray w2, NDArray b2) implements Chip {

  /** Shapes that fit together, checked here so that a bad file fails at load, not at inference. */
  public MlpChip {
    String p = "chip." + depth + ".";
    long hidden = LinearChip.matrix(w1, p + "fc1.weight")[0];
    LinearChip.vector(b1, p + "fc1.bias", hidden);
    long[] w2Shape = LinearChip.matrix(w2, p + "fc2.weight");
    if (w2Shape[1] != hidden) {
      throw new IllegalArgumentException(
          p
              + "fc2.weight has shape "
              + java.util.Arrays.toString(w2Shape)
              + ", expected ["
              + w2Shape[0]
              + ", "
              + hidden
              + "] (fc1 has "
              + hidden
              + " outputs)");
    }
    LinearChip.vector(b2, p + "fc2.bias", w2Shape[0]);
  }

  @Override
  public int numClasses() {
    return (int) w2.getShape().get(0);
  }

  @Override
  public int inputDim() {
    return (int) w1.getShape().get(1);
  }

  public int hiddenDim() {
    return (int) w1.getShape().get(0);
  }

  @Override
  public NDArray logits(NDArray pooled) {
    NDArray h = Activation.relu(Linear.linear(pooled, w1, b1).singletonOrThrow());
    return Linear.linear(h, w2, b2).singletonOrThrow();
  }

  @Override
  public String kind() {
    return "mlp";
  }

  @Override
  public void writeTo(SafetensorsWriter writer) {
    writer.put("chip." + depth + ".fc1.weight", w1);
    writer.put("chip." + depth + ".fc1.bias", b1);
    writer.put("chip." + depth + ".fc2.weight", w2);
    writer.put("chip." + depth + ".fc2.bias", b2);
  }

  @Override
  public long parameterCount() {
    return w1.size() + b1.size() + w2.size() + b2.size();
  }
}
