package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;

/**
 * A LoRA adapter on a projection: {@code y += scale * dropout(x) A^T B^T} with {@code A} of shape
 * [rank, in] and {@code B} of shape [out, rank], {@code scale = alpha / rank}. Dropout applies only
 * while training.
 */
public record LoraAdapter(NDArray a, NDArray b, float scale, float dropout) {

  public int rank() {
    return (int) a.getShape().get(0);
  }

  /** The dense update {@code scale * B A} of shape [out, in], for merging into the weight. */
  public NDArray delta() {
    return b.matMul(a).mul(scale);
  }
}
