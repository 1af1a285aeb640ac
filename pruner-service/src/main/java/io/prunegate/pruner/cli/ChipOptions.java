package io.prunegate.pruner.cli;

import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.chip.ChipKind;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.chip.LayerSelection;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The chip options every {@code prune} command shares (a picocli mixin): the head, ensemble,
 * pooling and early exit of the chips a variant serves, with the chip method's defaults, so that
 * every method's variants carry chips trained the chip-tuning way.
 */
public final class ChipOptions {

  @Option(
      names = "--head",
      defaultValue = "mlp",
      description = "Chip head: linear or mlp (hidden 256, ReLU) (default ${DEFAULT-VALUE}).")
  String head;

  @Option(
      names = "--ensemble",
      defaultValue = "5",
      description =
          "Chips per layer trained from consecutive seeds and merged into one (mean logits);"
              + " 1 = a single chip (default ${DEFAULT-VALUE}).")
  int ensemble;

  @Option(
      names = "--pooling",
      description =
          "cls, mean or last (default: last for decoders, the best on validation for encoders).")
  String pooling;

  @Option(
      names = "--no-early-exit",
      description = "Do not build the multi-chip early-exit variant.")
  boolean noEarlyExit;

  /** The pooling given, if any. */
  Optional<Pooling> pooling() {
    return Optional.ofNullable(pooling).map(Pooling::parse);
  }

  /** The tuning options; invalid values throw {@link IllegalArgumentException}. */
  ChipTuningOptions tuning(
      LayerSelection selection,
      double tolerance,
      int maxTrain,
      int batchSize,
      long seed,
      int threads) {
    return new ChipTuningOptions(
        ChipKind.parse(head),
        ensemble,
        pooling(),
        selection,
        tolerance,
        !noEarlyExit,
        maxTrain,
        batchSize,
        seed,
        threads);
  }

  /** The recipe of a pruned backbone's chips: the chip method's selection and tolerance. */
  ChipTuningOptions recipe(int maxTrain, int batchSize, long seed, int threads) {
    ChipTuningOptions d = ChipTuningOptions.defaults();
    return tuning(d.selection(), d.tolerancePoints(), maxTrain, batchSize, seed, threads);
  }
}
