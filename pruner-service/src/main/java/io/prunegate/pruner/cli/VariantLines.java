package io.prunegate.pruner.cli;

import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.chip.ChipRecipe;
import io.prunegate.pruner.chip.ChipTuner;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.evaluation.VariantEvaluator;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one-line summary of an evaluated variant every {@code prune} command prints (accuracy, mean
 * layers, FLOPs, latency, throughput), so that their outputs compare column for column.
 */
final class VariantLines {

  private VariantLines() {}

  /**
   * Gives {@code bundle} (a pruned backbone another method wrote) its chips the chip-tuning way and
   * evaluates it as {@code prune chip} reports its variants: accuracy on the test split (validation
   * without one), latency and throughput timed on the same rows.
   */
  static VariantEvaluation chipped(
      Path bundle, DatasetSplits data, ChipTuningOptions recipe, RuntimeOptions runtime) {
    new ChipRecipe(recipe).apply(bundle, data, ProgressListener.NONE);
    return new VariantEvaluator(runtime, ChipTuner.DEFAULT_LATENCY_ITERATIONS)
        .evaluate(bundle, data.test().orElse(data.validation()));
  }

  static String line(String key, VariantEvaluation v) {
    return String.format(
        Locale.ROOT,
        "%-10s accuracy %.4f  mean layers %s  %.1f MFLOP/token  b1 p50 %.1f ms  b32 p50 %.1f ms"
            + "  %.0f/s",
        key,
        v.accuracy(),
        Double.isNaN(v.meanExitLayer())
            ? "-"
            : String.format(Locale.ROOT, "%.2f", v.meanExitLayer()),
        v.flopsPerToken() / 1e6,
        v.batch1().p50Ms(),
        v.batch32().p50Ms(),
        v.throughputPerSecond());
  }
}
