package io.prunegate.model.chip;

import ai.djl.ndarray.NDArray;
import io.prunegate.model.safetensors.SafetensorsWriter;

/**
 * A probing classifier ("chip") reading the pooled hidden state after {@link #depth()} layers. Any
 * input standardisation used in training is folded into the first layer's weights, so a chip is a
 * plain linear or two-layer MLP head at inference.
 */
public sealed interface Chip permits LinearChip, MlpChip {

  /** Layers run before this chip reads the hidden state (1..L). */
  int depth();

  int numClasses();

  int inputDim();

  /** Class logits [B, C] of pooled hidden states [B, D]; results belong to the input's manager. */
  NDArray logits(NDArray pooled);

  /** {@code linear} or {@code mlp}. */
  String kind();

  /** Adds this chip's tensors (prefixed {@code chip.<depth>.}) to a writer. */
  void writeTo(SafetensorsWriter writer);

  /** Number of parameters. */
  long parameterCount();
}
