package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.config.ModelConfig;

/**
 * A transformer as a sequence of sublayer functions over the residual stream, so that callers can
 * stop after any layer (early exit), skip any sublayer (FinerCut's candidates), or restart from
 * cached activations. Every function is pure: it reads weights and returns new arrays that belong
 * to the manager of its input (the batch's), never to the weights' manager.
 */
public sealed interface Transformer permits BertTransformer, LlamaTransformer {

  ModelConfig config();

  TransformerWeights weights();

  /** Token (and, for BERT, position and type) embeddings of a batch, with its attention context. */
  HiddenState embed(NDManager manager, TokenBatch batch);

  /**
   * The attention sublayer of {@code layer}. When {@code removed} (or the layer has no attention)
   * the removal semantics of the family apply: pre-norm blocks pass the residual through unchanged,
   * post-norm blocks keep their LayerNorm ({@code x -> LN(x)}).
   */
  HiddenState attention(int layer, HiddenState state, boolean removed);

  /** The FFN sublayer of {@code layer}, with the same removal semantics. */
  HiddenState feedForward(int layer, HiddenState state, boolean removed);

  /** The model's final hidden states from the residual stream (decoders: final RMSNorm). */
  NDArray finalHidden(NDArray residual);

  /** LM logits [B, T, vocab] from final hidden states; decoders only. */
  NDArray logits(NDArray finalHidden);

  /** Whether training-time behaviour (LoRA dropout, unfused projections) is on. */
  boolean training();
}
