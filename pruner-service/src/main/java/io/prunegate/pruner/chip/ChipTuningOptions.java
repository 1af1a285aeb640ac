package io.prunegate.pruner.chip;

import io.prunegate.model.runtime.Pooling;
import java.util.Optional;

/**
 * Options of a chip-tuning run.
 *
 * @param head the chip head (default MLP)
 * @param ensemble chips per layer trained from consecutive seeds and merged into one (mean logits;
 *     default 5, 1 = a single chip)
 * @param pooling how hidden states are pooled; empty = decoders: last token (as in the paper),
 *     encoders: the pooling (CLS or mean) whose best chip scores highest on validation
 * @param selection how the kept layer is chosen (default: shallowest within 1.0 point of the best)
 * @param tolerancePoints accuracy the early-exit variant may lose against the best layer, in
 *     points: the exits may get wrong at most this share of the validation examples the best
 *     layer's chip gets right
 * @param earlyExit whether to build the multi-chip early-exit variant
 * @param maxTrainExamples training examples used at most (a stratified sample beyond that)
 * @param batchSize texts per forward pass when extracting features and evaluating
 * @param seed seed of sampling, initialisation and mini-batch order
 * @param threads engine threads (0 = the engine's default)
 */
public record ChipTuningOptions(
    ChipKind head,
    int ensemble,
    Optional<Pooling> pooling,
    LayerSelection selection,
    double tolerancePoints,
    boolean earlyExit,
    int maxTrainExamples,
    int batchSize,
    long seed,
    int threads) {

  public ChipTuningOptions {
    if (!(tolerancePoints >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0 points, got " + tolerancePoints);
    }
    if (ensemble < 1) {
      throw new IllegalArgumentException("ensemble must be >= 1 chips per layer, got " + ensemble);
    }
    if (maxTrainExamples < 2 || batchSize < 1 || threads < 0) {
      throw new IllegalArgumentException(
          "need maxTrainExamples >= 2, batchSize >= 1, threads >= 0");
    }
  }

  /**
   * MLP chips (ensembles of 5), automatic pooling, shallowest layer within 1.0 point, early exit,
   * 8,000 examples.
   */
  public static ChipTuningOptions defaults() {
    return new ChipTuningOptions(
        ChipKind.MLP, 5, Optional.empty(), LayerSelection.defaults(), 1.0, true, 8000, 32, 42, 0);
  }

  public ChipTuningOptions withThreads(int v) {
    return new ChipTuningOptions(
        head,
        ensemble,
        pooling,
        selection,
        tolerancePoints,
        earlyExit,
        maxTrainExamples,
        batchSize,
        seed,
        v);
  }

  public ChipTuningOptions withEarlyExit(boolean v) {
    return new ChipTuningOptions(
        head,
        ensemble,
        pooling,
        selection,
        tolerancePoints,
        v,
        maxTrainExamples,
        batchSize,
        seed,
        threads);
  }
}
