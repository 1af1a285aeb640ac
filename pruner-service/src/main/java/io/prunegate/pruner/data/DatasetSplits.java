package io.prunegate.pruner.data;

import java.util.Optional;

/**
 * A task's data: chips train on {@code train}, layers and thresholds are selected on {@code
 * validation}, and {@code test} (when present) is only reported. All splits share the label names.
 *
 * @param train training examples
 * @param validation selection examples
 * @param test held-out examples for the report
 */
public record DatasetSplits(
    LabelledDataset train, LabelledDataset validation, Optional<LabelledDataset> test) {

  public DatasetSplits {
    if (!validation.labelNames().equals(train.labelNames())) {
      throw new IllegalArgumentException(
          validation.name() + ": label names differ from " + train.name());
    }
    test.ifPresent(
        t -> {
          if (!t.labelNames().equals(train.labelNames())) {
            throw new IllegalArgumentException(
                t.name() + ": label names differ from " + train.name());
          }
        });
  }

  /** The label names shared by every split. */
  public java.util.List<String> labelNames() {
    return train.labelNames();
  }
}
