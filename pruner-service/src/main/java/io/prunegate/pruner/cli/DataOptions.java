package io.prunegate.pruner.cli;

import io.prunegate.pruner.data.DatasetColumns;
import io.prunegate.pruner.data.DatasetReader;
import io.prunegate.pruner.data.DatasetSplits;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The labelled-data options every {@code prune} command shares (a picocli mixin), so that {@code
 * chip}, {@code finercut} and {@code llm-pruner} read their training, validation and test data the
 * same way and their variants are trained and scored on the same rows.
 */
public final class DataOptions {

  @Option(names = "--train", description = "Training data: TSV/CSV with a header, or JSONL.")
  Path train;

  @Option(
      names = "--validation",
      description = "Validation data; without it a stratified share of --train is held out.")
  Path validation;

  @Option(names = "--test", description = "Test data, only reported.")
  Path test;

  @Option(
      names = "--validation-fraction",
      defaultValue = "0.1",
      description =
          "Share of --train held out when no --validation is given (default ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(names = "--text-column", description = "The text column or JSON key (default: inferred).")
  String textColumn;

  @Option(
      names = "--label-column",
      description = "The label column or JSON key (default: inferred).")
  String labelColumn;

  @Option(
      names = "--min-words",
      defaultValue = "0",
      description =
          "Use only --train rows of at least this many words, duplicates removed, for training"
              + " and held-out validation (for phrase-level data such as SST-2's train split;"
              + " default ${DEFAULT-VALUE}: every row).")
  int minWords;

  /** Whether labelled data was given. */
  boolean given() {
    return train != null;
  }

  /**
   * Rejects a missing {@code --train} (when {@code required}) and a negative {@code --min-words}.
   */
  void check(CommandLine cl, boolean required) {
    if (required && train == null) {
      throw new ParameterException(cl, "Missing required option: '--train=<train>'");
    }
    if (minWords < 0) {
      throw new ParameterException(cl, "--min-words must be >= 0");
    }
  }

  /** Reads the splits; bad input throws {@link IllegalArgumentException} naming the file. */
  DatasetSplits read(long seed) {
    return DatasetReader.splits(
        train,
        Optional.ofNullable(validation),
        Optional.ofNullable(test),
        new DatasetColumns(textColumn, labelColumn),
        validationFraction,
        seed,
        minWords);
  }
}
