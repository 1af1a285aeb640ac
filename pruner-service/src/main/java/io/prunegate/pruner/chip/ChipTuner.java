package io.prunegate.pruner.chip;

import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;

/**
 * Chip-tuning: extracts pooled hidden states at every layer of a frozen backbone once, trains a
 * chip on every layer from those cached features, selects a layer, and writes the full-depth,
 * truncated and early-exit bundles with an HTML report.
 */
public final class ChipTuner {

  private final ChipTuningOptions options;

  public ChipTuner(ChipTuningOptions options) {
    this.options = options;
  }

  public ChipTuningOptions options() {
    return options;
  }

  /**
   * Extracts features once, trains chips on every layer, selects, and writes bundles under
   * outputDir: {@code full} (full depth, chip on the last layer), {@code truncated} (layers after
   * the chosen one removed from the weights), {@code early-exit} (if enabled; chips at several
   * layers with calibrated thresholds), plus {@code report.html}.
   */
  public ChipTuningResult tune(
      Path modelDir, DatasetSplits data, Path outputDir, ProgressListener progress) {
    throw new UnsupportedOperationException("chip-tuning pipeline lands in the next commit");
  }
}
