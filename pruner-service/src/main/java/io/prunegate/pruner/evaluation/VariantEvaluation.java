package io.prunegate.pruner.evaluation;

/**
 * How a variant bundle performs on a labelled set, measured the same way for every method.
 *
 * @param accuracy accuracy (early exit on, when the bundle has several chips)
 * @param parameterCount backbone parameters plus chip parameters
 * @param flopsPerToken forward FLOPs per token of the layers actually run (averaged over the
 *     examples' exit depths under early exit), linear layers only
 * @param batch1 latency of one example at a time
 * @param batch32 latency of batches of 32
 * @param throughputPerSecond examples per second at batch 32 (from the mean batch latency)
 * @param meanExitLayer mean layers run per example, NaN when the bundle has a single chip
 */
public record VariantEvaluation(
    double accuracy,
    long parameterCount,
    double flopsPerToken,
    LatencyStats batch1,
    LatencyStats batch32,
    double throughputPerSecond,
    double meanExitLayer) {}
