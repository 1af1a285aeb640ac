package io.prunegate.pruner.cli;

import io.prunegate.model.importer.DefaultModels;
import io.prunegate.pruner.chip.ChipTuner;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.chip.ChipTuningResult;
import io.prunegate.pruner.chip.LayerAccuracy;
import io.prunegate.pruner.chip.LayerSelection;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.progress.ConsoleProgressBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin DataOptions data;

  @Mixin ChipOptions chips;

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
      names = "--max-train",
      defaultValue = "8000",
      description =
          "Training examples used at most (stratified sample) (default ${DEFAULT-VALUE}).")
  int maxTrain;

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
    data.check(spec.commandLine(), true);
    LayerSelection selection =
        layer != null
            ? new LayerSelection.Fixed(layer)
            : ratio != null
                ? new LayerSelection.TargetRatio(ratio)
                : new LayerSelection.Shallowest(tolerance);
    ChipTuningOptions options;
    try {
      options = chips.tuning(selection, tolerance, maxTrain, batchSize, seed, threads);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path modelDir;
    DatasetSplits splits;
    try {
      modelDir = DefaultModels.resolve(model);
      splits = data.read(seed);
    } catch (IllegalArgumentException e) {
      // Bad input is the user's to fix: the message names the file, no stack trace.
      spec.commandLine().getErr().println("prune chip: " + e.getMessage());
      return 1;
    }
    printData(out, splits);
    ChipTuningResult r =
        new ChipTuner(options)
            .tune(modelDir, splits, output, new ConsoleProgressBar(System.err, "chip-tuning"));
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
      out.println(VariantLines.line(e.getKey(), e.getValue()));
    }
    out.printf(
        "bundles: %s, %s%s%n",
        r.fullDepthBundle(),
        r.truncatedBundle(),
        r.earlyExitBundle().map(p -> ", " + p).orElse(""));
    out.printf("report: %s%n", r.report());
    return 0;
  }

  /** The data line every {@code prune} command prints once the splits are read. */
  static void printData(PrintWriter out, DatasetSplits data) {
    out.printf(
        "data: %d train, %d validation%s examples, %d classes %s%n",
        data.train().size(),
        data.validation().size(),
        data.test().map(t -> ", " + t.size() + " test").orElse(""),
        data.labelNames().size(),
        data.labelNames());
    out.flush();
  }
}
