package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;

/** A LayerNorm (weight and bias) or RMSNorm (weight only, {@code bias == null}). */
public record Norm(NDArray weight, NDArray bias) {}
