package io.prunegate.model.runtime;

/** The four projections of a self-attention sublayer: query, key, value and output. */
public record AttentionBlock(Projection q, Projection k, Projection v, Projection o) {}
