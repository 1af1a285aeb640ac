package io.prunegate.pruner.llmpruner;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.runtime.TransformerWeights;
import io.prunegate.pruner.lora.LossCurve;
import java.util.Optional;

/**
 * One pruned (and possibly recovered) variant in memory, with what was measured on it. Scores are
 * accuracies for encoders and mean LM losses for decoders. Closing it frees its arrays.
 *
 * @param ratio the ratio asked for
 * @param plan what each pruned layer keeps
 * @param config the variant's config (per-layer structure)
 * @param weights the variant's weights (LoRA merged when recovered)
 * @param chip encoders: the chip that scored it (trained with LoRA when recovered)
 * @param parameters backbone parameters before and after
 * @param scoreWithoutRecovery score right after pruning
 * @param scoreWithRecovery score after LoRA recovery (NaN when not recovered)
 * @param lossCurve the recovery loss curve, when recovered
 * @param loraParameters the number of adapter parameters trained
 * @param pruneSeconds wall time of planning and slicing
 * @param throughputPerSecond examples per second of the variant (encoders, batch 32; NaN when
 *     nothing was removed or for decoders)
 * @param denseThroughputPerSecond examples per second of the dense model, timed alternately with
 *     the variant on the same batches
 * @param manager owns the variant's new arrays
 */
public record PrunedVariant(
    double ratio,
    PruningPlan plan,
    ModelConfig config,
    TransformerWeights weights,
    Optional<LinearChip> chip,
    ParameterCounts parameters,
    double scoreWithoutRecovery,
    double scoreWithRecovery,
    Optional<LossCurve> lossCurve,
    long loraParameters,
    double pruneSeconds,
    double throughputPerSecond,
    double denseThroughputPerSecond,
    NDManager manager)
    implements AutoCloseable {

  /**
   * Parameter counts.
   *
   * @param before whole backbone before pruning
   * @param after whole backbone after pruning
   * @param prunedLayersBefore projection parameters of the pruned layers before
   * @param prunedLayersAfter the same after
   */
  public record ParameterCounts(
      long before, long after, long prunedLayersBefore, long prunedLayersAfter) {

    /** Fraction of the pruned layers' projection parameters removed. */
    public double prunedLayersRemoved() {
      return prunedLayersBefore == 0 ? 0 : 1.0 - (double) prunedLayersAfter / prunedLayersBefore;
    }

    /** Fraction of the whole backbone's parameters removed. */
    public double totalRemoved() {
      return before == 0 ? 0 : 1.0 - (double) after / before;
    }
  }

  /** The variant's throughput over the dense model's, measured side by side. */
  public double throughputGain() {
    return throughputPerSecond / denseThroughputPerSecond;
  }

  @Override
  public void close() {
    manager.close();
  }
}
