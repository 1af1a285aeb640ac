package io.prunegate.pruner.llmpruner;

import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.lora.LoraOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * LLM-Pruner settings.
 *
 * @param ratio fraction of the projection parameters removed in every pruned layer
 * @param layers layers to prune; empty = all but the first and the last
 * @param estimator importance estimator
 * @param aggregation how a group's structure scores combine
 * @param calibrationSamples decoders: calibration sequences (10, as the authors); encoders:
 *     labelled training examples whose task loss is differentiated
 * @param calibrationTokens decoders: tokens per calibration sequence (64, as the authors)
 * @param batchSize examples per forward/backward batch during importance and evaluation
 * @param recover whether LoRA recovery runs after pruning
 * @param lora recovery settings
 * @param pooling encoders: pooling of the last layer for the chip
 * @param recoveryExamples encoders: training examples for the chips; recovery trains on the next as
 *     many ({@link PruningTask.Classification#split}); unused for decoders
 */
public record LlmPrunerOptions(
    double ratio,
    List<Integer> layers,
    ImportanceEstimator estimator,
    GroupAggregation aggregation,
    int calibrationSamples,
    int calibrationTokens,
    int batchSize,
    boolean recover,
    LoraOptions lora,
    Pooling pooling,
    int recoveryExamples) {

  public LlmPrunerOptions {
    layers = List.copyOf(layers);
    if (!(ratio >= 0 && ratio < 1)) {
      throw new IllegalArgumentException("--ratio must be in [0, 1), got " + ratio);
    }
    if (calibrationSamples < 1 || calibrationTokens < 4 || batchSize < 1 || recoveryExamples < 0) {
      throw new IllegalArgumentException(
          "calibration samples and batch size must be >= 1, calibration tokens >= 4");
    }
  }

  /**
   * Ratio 0.2, all but the first and last layers, element-wise first order summed per group, 10
   * calibration sequences of 64 tokens, batches of 8, LoRA recovery with its defaults, mean pooling
   * for encoder chips.
   */
  public static LlmPrunerOptions defaults() {
    return new LlmPrunerOptions(
        0.2,
        List.of(),
        ImportanceEstimator.ELEMENT_FIRST_ORDER,
        GroupAggregation.SUM,
        10,
        64,
        8,
        true,
        LoraOptions.defaults(),
        Pooling.MEAN,
        0);
  }

  /** The layers this run prunes for {@code config}. */
  public List<Integer> prunedLayers(ModelConfig config) {
    int n = config.numLayers();
    if (!layers.isEmpty()) {
      for (int l : layers) {
        if (l < 0 || l >= n) {
          throw new IllegalArgumentException("--layers: layer " + l + " outside 0.." + (n - 1));
        }
      }
      return layers.stream().distinct().sorted().toList();
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i < n - 1; i++) {
      out.add(i);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "a " + n + "-layer model has no layers between its first and last: give --layers");
    }
    return out;
  }

  public LlmPrunerOptions withRatio(double r) {
    return new LlmPrunerOptions(
        r,
        layers,
        estimator,
        aggregation,
        calibrationSamples,
        calibrationTokens,
        batchSize,
        recover,
        lora,
        pooling,
        recoveryExamples);
  }

  public LlmPrunerOptions withCalibration(int samples, int tokens) {
    return new LlmPrunerOptions(
        ratio,
        layers,
        estimator,
        aggregation,
        samples,
        tokens,
        batchSize,
        recover,
        lora,
        pooling,
        recoveryExamples);
  }

  public LlmPrunerOptions withBatchSize(int n) {
    return new LlmPrunerOptions(
        ratio,
        layers,
        estimator,
        aggregation,
        calibrationSamples,
        calibrationTokens,
        n,
        recover,
        lora,
        pooling,
        recoveryExamples);
  }

  public LlmPrunerOptions withLora(LoraOptions l) {
    return new LlmPrunerOptions(
        ratio,
        layers,
        estimator,
        aggregation,
        calibrationSamples,
        calibrationTokens,
        batchSize,
        recover,
        l,
        pooling,
        recoveryExamples);
  }

  public LlmPrunerOptions withRecover(boolean r) {
    return new LlmPrunerOptions(
        ratio,
        layers,
        estimator,
        aggregation,
        calibrationSamples,
        calibrationTokens,
        batchSize,
        r,
        lora,
        pooling,
        recoveryExamples);
  }
}
