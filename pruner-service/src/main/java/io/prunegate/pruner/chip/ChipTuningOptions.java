package io.prunegate.pruner.chip;

import io.prunegate.model.runtime.Pooling;
import java.util.Optional;

/**
 * Options of a chip-tuning run.
 *
 * @param head the chip head (default MLP)
 * @param pooling how hidden states are pooled; empty = decoders: last token (as in the paper),
 *     encoders: the pooling (CLS or mean) whose best chip scores highest on validation
 * @param selection how the kept layer is chosen (default: shallowest within 1.0 point of the best)
 * @param tolerancePoints accuracy the early-exit variant may lose against the best layer, in
 *     points; thresholds are calibrated to half of it on validation as a margin
 * @param earlyExit whether to build the multi-chip early-exit variant
 * @param maxTrainExamples training examples used at most (a stratified sample beyond that)
 * @param batchSize texts per forward pass when extracting features and evaluating
 * @param seed seed of sampling, initialisation and mini-batch order
 * @param threads engine threads (0 = the engine's default)
 */
public record ChipTuningOptions(
    ChipKind head,
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
    if (maxTrainExamples < 2 || batchSize < 1 || threads < 0) {
      throw new IllegalArgumentException(
          "need maxTrainExamples >= 2, batchSize >= 1, threads >= 0");
    }
  }

  /**
   * MLP chips, automatic pooling, shallowest layer within 1.0 point, early exit, 8,000 examples.
   */
  public static ChipTuningOptions defaults() {
    return new ChipTuningOptions(
        ChipKind.MLP, Optional.empty(), LayerSelection.defaults(), 1.0, true, 8000, 32, 42, 0);
  }

  public ChipTuningOptions withHead(ChipKind h) {
    return new ChipTuningOptions(
        h,
        pooling,
        selection,
        tolerancePoints,
        earlyExit,
        maxTrainExamples,
        batchSize,
        seed,
        threads);
  }

  public ChipTuningOptions withPooling(Optional<Pooling> p) {
    return new ChipTuningOptions(
        head, p, selection, tolerancePoints, earlyExit, maxTrainExamples, batchSize, seed, threads);
  }

  public ChipTuningOptions withSelection(LayerSelection s) {
    return new ChipTuningOptions(
        head, pooling, s, tolerancePoints, earlyExit, maxTrainExamples, batchSize, seed, threads);
  }

  public ChipTuningOptions withEarlyExit(boolean e) {
    return new ChipTuningOptions(
        head, pooling, selection, tolerancePoints, e, maxTrainExamples, batchSize, seed, threads);
  }

  public ChipTuningOptions withMaxTrainExamples(int n) {
    return new ChipTuningOptions(
        head, pooling, selection, tolerancePoints, earlyExit, n, batchSize, seed, threads);
  }

  public ChipTuningOptions withThreads(int t) {
    return new ChipTuningOptions(
        head, pooling, selection, tolerancePoints, earlyExit, maxTrainExamples, batchSize, seed, t);
  }

  public ChipTuningOptions withSeed(long s) {
    return new ChipTuningOptions(
        head,
        pooling,
        selection,
        tolerancePoints,
        earlyExit,
        maxTrainExamples,
        batchSize,
        s,
        threads);
  }
}
