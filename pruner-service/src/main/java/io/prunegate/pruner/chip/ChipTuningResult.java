package io.prunegate.pruner.chip;

import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a chip-tuning run produced.
 *
 * @param curve the chip accuracy at every depth 1..L (of the chosen pooling)
 * @param chosenLayer the depth the truncated variant keeps
 * @param fullDepthBundle the full-depth bundle (chip on the last layer)
 * @param truncatedBundle the bundle truncated after the chosen layer
 * @param earlyExitBundle the multi-chip early-exit bundle, when built
 * @param report the HTML report
 * @param pooling the pooling the chips read
 * @param evaluations each bundle's evaluation (keys {@code full}, {@code truncated}, {@code
 *     early-exit}) on the test split, or on validation when there is no test split
 */
public record ChipTuningResult(
    List<LayerAccuracy> curve,
    int chosenLayer,
    Path fullDepthBundle,
    Path truncatedBundle,
    Optional<Path> earlyExitBundle,
    Path report,
    Pooling pooling,
    Map<String, VariantEvaluation> evaluations) {

  public ChipTuningResult {
    curve = List.copyOf(curve);
    evaluations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evaluations));
  }

  /** The curve point of {@code depth}. */
  public LayerAccuracy at(int depth) {
    return curve.get(depth - 1);
  }

  /** Fraction of layers removed by the truncated variant. */
  public double layerPruningRatio() {
    return 1.0 - (double) chosenLayer / curve.size();
  }
}
