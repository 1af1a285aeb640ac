package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;

/**
 * Token embeddings, and for BERT the absolute position and token-type embeddings and their
 * LayerNorm (null for decoders, which use RoPE).
 */
public record EmbeddingWeights(NDArray tokens, NDArray positions, NDArray tokenTypes, Norm norm) {}
