package io.prunegate.pruner.cli;

import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.chip.ChipKind;
import io.prunegate.pruner.chip.ChipTuner;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.chip.ChipTuningResult;
import io.prunegate.pruner.chip.LayerAccuracy;
import io.prunegate.pruner.chip.LayerSelection;
import io.prunegate.pruner.data.DatasetColumns;
import io.prunegate.pruner.data.DatasetReader;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.progress.ConsoleProgressBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code prune chip}: chip-tuning. Trains a probe on every layer of a frozen backbone from cached
 * features, keeps the layers up to the selected one, and writes the full-depth, truncated and
 * early-exit variant bundles with an HTML report.
 */
@Command(
    name = "chip",
    mixinStandardHelpOptions = true,
    description = {
      "Chip-tuning: probe every layer, keep the layers up to the chosen one, add early exit.",
      "Examples:",
      "  prune chip --model bge-small-en-v1.5 --train train.tsv --validation dev.tsv -o out/",
      "  prune chip --model ./my-model --train data.jsonl --layer 6 --head linear -o out/"
    })
public final class ChipCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      description =
          "A model directory, or a default model name (bge-small-en-v1.5, all-MiniLM-L6-v2).")
  String model;

  @Option(
      names = "--train",
      required = true,
      description = "Training data: TSV/CSV with a header, or JSONL.")
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
      names = "--tolerance",
      defaultValue = "1.0",
      description =
          "Accuracy points the chosen layer may lose against the best (default ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--layer", description = "Keep exactly this many layers instead.")
  Integer layer;

  @Option(names = "--ratio", description = "Remove this fraction of the layers instead (0..1).")
  Double ratio;

  @Option(
      names = "--no-early-exit",
      description = "Do not build the multi-chip early-exit variant.")
  boolean noEarlyExit;

  @Option(
      names = "--max-train",
      defaultValue = "8000",
      description =
          "Training examples used at most (stratified sample) (default ${DEFAULT-VALUE}).")
  int maxTrain;

  @Option(
      names = "--min-words",
      defaultValue = "0",
      description =
          "Use only --train rows of at least this many words, duplicates removed, for training"
              + " and held-out validation (for phrase-level data such as SST-2's train split;"
              + " default ${DEFAULT-VALUE}: every row).")
  int minWords;

  @Option(
      names = "--batch-size",
      defaultValue = "32",
      description = "Texts per forward pass (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Engine threads (default: the engine's choice).")
  int threads;

  @Option(
      names = {"-o", "--output"},
      required = true,
      description = "Output directory (full/, truncated/, early-exit/, report.html).")
  Path output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (layer != null && ratio != null) {
      throw new ParameterException(spec.commandLine(), "give --layer or --ratio, not both");
    }
    if (minWords < 0) {
      throw new ParameterException(spec.commandLine(), "--min-words must be >= 0");
    }
    LayerSelection selection =
        layer != null
            ? new LayerSelection.Fixed(layer)
            : ratio != null
                ? new LayerSelection.TargetRatio(ratio)
                : new LayerSelection.Shallowest(tolerance);
    ChipTuningOptions options;
    try {
      options =
          new ChipTuningOptions(
              ChipKind.parse(head),
              ensemble,
              Optional.ofNullable(pooling).map(Pooling::parse),
              selection,
              tolerance,
              !noEarlyExit,
              maxTrain,
              batchSize,
              seed,
              threads);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path modelDir;
    DatasetSplits data;
    try {
      modelDir = DefaultModels.resolve(model);
      data =
          DatasetReader.splits(
              train,
              Optional.ofNullable(validation),
              Optional.ofNullable(test),
              new DatasetColumns(textColumn, labelColumn),
              validationFraction,
              seed,
              minWords);
    } catch (IllegalArgumentException e) {
      // Bad input is the user's to fix: the message names the file, no stack trace.
      spec.commandLine().getErr().println("prune chip: " + e.getMessage());
      return 1;
    }
    out.printf(
        "data: %d train, %d validation%s examples, %d classes %s%n",
        data.train().size(),
        data.validation().size(),
        data.test().map(t -> ", " + t.size() + " test").orElse(""),
        data.labelNames().size(),
        data.labelNames());
    out.flush();
    ChipTuningResult r =
        new ChipTuner(options)
            .tune(modelDir, data, output, new ConsoleProgressBar(System.err, "chip-tuning"));
    out.println(" depth  val acc  val loss  test acc");
    for (LayerAccuracy a : r.curve()) {
      out.printf(
          " %5d  %7.4f  %8.4f  %8s%s%n",
          a.depth(),
          a.validationAccuracy(),
          a.validationLoss(),
          Double.isNaN(a.testAccuracy()) ? "-" : String.format("%.4f", a.testAccuracy()),
          a.depth() == r.chosenLayer() ? "  <- chosen" : "");
    }
    out.printf(
        "chosen layer %d of %d (%.0f%% of the layers removed), pooling %s%n",
        r.chosenLayer(), r.curve().size(), 100 * r.layerPruningRatio(), r.pooling().wireName());
    for (Map.Entry<String, VariantEvaluation> e : r.evaluations().entrySet()) {
      VariantEvaluation v = e.getValue();
      out.printf(
          "%-10s accuracy %.4f  mean layers %s  %.1f MFLOP/token  b1 p50 %.1f ms  b32 p50 %.1f ms"
              + "  %.0f/s%n",
          e.getKey(),
          v.accuracy(),
          Double.isNaN(v.meanExitLayer()) ? "-" : String.format("%.2f", v.meanExitLayer()),
          v.flopsPerToken() / 1e6,
          v.batch1().p50Ms(),
          v.batch32().p50Ms(),
          v.throughputPerSecond());
    }
    out.printf(
        "bundles: %s, %s%s%n",
        r.fullDepthBundle(),
        r.truncatedBundle(),
        r.earlyExitBundle().map(p -> ", " + p).orElse(""));
    out.printf("report: %s%n", r.report());
    return 0;
  }
}
