package io.prunegate.pruner.llmpruner;

/**
 * The gradients of one layer's prunable projections; the attention ones are null when the layer has
 * no attention, the FFN ones when it has no FFN, {@code gate} also for BERT.
 */
public record LayerGradients(
    int layer,
    ProjectionGradients q,
    ProjectionGradients k,
    ProjectionGradients v,
    ProjectionGradients o,
    ProjectionGradients gate,
    ProjectionGradients up,
    ProjectionGradients down) {}
