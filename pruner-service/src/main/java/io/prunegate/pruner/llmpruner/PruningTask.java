package io.prunegate.pruner.llmpruner;

import io.prunegate.pruner.data.CalibrationText;
import java.util.Optional;

/**
 * What the losses of importance and recovery are, and what a variant is scored on: the LM loss of a
 * decoder on text, or the task loss of an encoder's last-layer chip on labelled data.
 */
public sealed interface PruningTask {

  /**
   * Decoders: next-token loss.
   *
   * @param calibration sequences whose loss gradients rank the groups
   * @param recovery sequences LoRA trains on (empty: no recovery data)
   * @param evaluation held-out sequences whose mean LM loss scores a variant
   */
  record LanguageModel(
      CalibrationText calibration, Optional<CalibrationText> recovery, CalibrationText evaluation)
      implements PruningTask {}

  /**
   * Encoders: cross-entropy of a linear chip on the pooled last layer.
   *
   * @param train the training split (chip, calibration examples, recovery)
   * @param validation the split a variant's accuracy is reported on
   * @param datasetName a name for reports
   */
  record Classification(TaskData train, TaskData validation, String datasetName)
      implements PruningTask {}
}
