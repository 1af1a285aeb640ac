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
   * @param train the examples the last-layer chips are trained on (and the calibration examples are
   *     taken from)
   * @param recovery the examples LoRA recovery trains on; examples the chip has not seen carry a
   *     real task-loss gradient (on its own training examples a chip's loss is near zero)
   * @param validation the split a variant's accuracy is reported on
   * @param datasetName a name for reports
   */
  record Classification(TaskData train, TaskData recovery, TaskData validation, String datasetName)
      implements PruningTask {

    /**
     * The first {@code max} examples of {@code all} for the chips, the next {@code max} (as many as
     * there are; the same ones when none are left) for recovery.
     */
    public static Classification split(
        TaskData all, int max, TaskData validation, String datasetName) {
      TaskData train = all.slice(0, max);
      TaskData recovery = all.size() > max ? all.slice(max, 2 * max) : train;
      return new Classification(train, recovery, validation, datasetName);
    }
  }
}
