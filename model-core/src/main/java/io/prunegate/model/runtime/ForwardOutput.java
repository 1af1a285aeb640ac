package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * The result of a forward pass; arrays belong to the batch's manager.
 *
 * @param residual the residual stream [B, T, D] after the last layer run
 * @param captured residual streams at the requested depths
 * @param finalHidden final hidden states (null unless requested)
 * @param logits LM logits [B, T, V] (null unless requested)
 * @param context the batch's attention context (masks, lengths) for pooling
 */
public record ForwardOutput(
    NDArray residual,
    Map<Integer, NDArray> captured,
    NDArray finalHidden,
    NDArray logits,
    AttentionContext context) {}
