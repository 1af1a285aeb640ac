package io.prunegate.model.runtime;

/**
 * The projections of an FFN sublayer: {@code gate} (SwiGLU decoders; null for BERT), {@code up}
 * (BERT: intermediate.dense) and {@code down} (BERT: output.dense).
 */
public record FeedForwardBlock(Projection gate, Projection up, Projection down) {}
