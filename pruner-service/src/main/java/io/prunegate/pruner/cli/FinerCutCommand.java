package io.prunegate.pruner.cli;

import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.data.CalibrationText;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.finercut.FinerCut;
import io.prunegate.pruner.finercut.FinerCutOptions;
import io.prunegate.pruner.finercut.FinerCutReport;
import io.prunegate.pruner.finercut.RemovalOrder;
import io.prunegate.pruner.progress.ConsoleProgressBar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code prune finercut}: records FinerCut's greedy removal order of attention and FFN sublayers on
 * calibration text and writes one variant bundle per ratio, with the report. With {@code --train}
 * every bundle is given chips trained the chip-tuning way on its pruned backbone and is evaluated
 * (accuracy, latency, throughput) as {@code prune chip} reports its variants.
 */
@Command(
    name = "finercut",
    mixinStandardHelpOptions = true,
    description = {
      "FinerCut: remove whole attention/FFN sublayers greedily, each step the one whose removal",
      "changes the model's output least (no fine-tuning). The removal order is recorded once;",
      "each --ratio is a prefix of it and becomes a bundle under --output. With --train (and",
      "--validation, --test) every bundle serves chips trained the chip-tuning way on its pruned",
      "backbone and is evaluated as prune chip reports its variants."
    })
public final class FinerCutCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model directory (Hugging Face).")
  Path model;

  @Option(
      names = "--calibration",
      description =
          "Plain text file cut into calibration sequences (default: the --train texts, one a"
              + " line).")
  Path calibration;

  @Mixin DataOptions data;

  @Mixin ChipOptions chipOptions;

  @Option(
      names = "--max-train",
      defaultValue = "8000",
      description =
          "Training examples of the chips at most (stratified sample) (default ${DEFAULT-VALUE}).")
  int maxTrain;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--calibration-layout",
      description =
          "STREAM (the file as one token stream cut into N x T) or LINES (each of the first N"
              + " non-empty lines one sequence, at most T tokens). Default: LINES for CHIP_JS,"
              + " STREAM otherwise.")
  CalibrationText.Layout layout;

  @Option(
      names = "--sequences",
      description =
          "Calibration sequences N (default: STREAM 10 for decoders, 64 for encoders; LINES 256).")
  Integer sequences;

  @Option(
      names = "--tokens",
      description =
          "Tokens per sequence T (default: STREAM 256 for decoders, 128 for encoders; LINES at"
              + " most 128).")
  Integer tokens;

  @Option(
      names = "--ratio",
      split = ",",
      defaultValue = "0.25",
      description = "Fraction(s) of all 2L sublayers to remove, comma-separated (default: 0.25).")
  List<Double> ratios;

  @Option(
      names = "--search-ratio",
      description =
          "How far to record the removal order (default: 1 = every eligible sublayer; at least"
              + " the largest --ratio).")
  Double searchRatio;

  @Option(
      names = "--exclude-layers",
      split = ",",
      description = "Layers (0-based) whose sublayers are never removed, e.g. 0,11.")
  List<Integer> excludedLayers = new ArrayList<>();

  @Option(names = "--attention-only", description = "Remove attention sublayers only.")
  boolean attentionOnly;

  @Option(
      names = "--criterion",
      defaultValue = "AUTO",
      description =
          "AUTO (next-token JS for decoders, hidden-state angle for encoders), NEXT_TOKEN_JS,"
              + " HIDDEN_ANGLE or CHIP_JS (task-aware; needs --chips). Default: ${DEFAULT-VALUE}.")
  FinerCut.Criterion criterion;

  @Option(
      names = "--chips",
      description = "Bundle whose chips.safetensors has a full-depth chip (for CHIP_JS).")
  Path chips;

  @Option(
      names = "--naive",
      description = "Evaluate every candidate with a full forward (reference for the cache).")
  boolean naive;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      description = "Calibration sequences per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "Engine threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--output", required = true, description = "Directory for the bundles.")
  Path output;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    data.check(spec.commandLine(), false);
    if (calibration == null && !data.given()) {
      throw new ParameterException(spec.commandLine(), "give --calibration or --train");
    }
    ChipTuningOptions recipe;
    try {
      recipe = chipOptions.recipe(maxTrain, 32, seed, threads);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Optional<DatasetSplits> splits;
    try {
      splits = data.given() ? Optional.of(data.read(seed)) : Optional.empty();
    } catch (IllegalArgumentException e) {
      // Bad input is the user's to fix: the message names the file, no stack trace.
      spec.commandLine().getErr().println("prune finercut: " + e.getMessage());
      return 1;
    }
    splits.ifPresent(d -> ChipCommand.printData(out, d));
    Path calibrationFile = calibration;
    if (calibrationFile == null) {
      Files.createDirectories(output);
      calibrationFile = output.resolve("calibration-train-texts.txt");
      Files.write(calibrationFile, splits.get().train().texts(), StandardCharsets.UTF_8);
    }
    double maxRatio = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    FinerCutOptions options =
        new FinerCutOptions(
            searchRatio == null ? 1.0 : searchRatio,
            Set.copyOf(excludedLayers),
            attentionOnly,
            naive ? FinerCutOptions.Evaluation.NAIVE : FinerCutOptions.Evaluation.CACHED,
            batchSize);
    if (maxRatio > options.searchRatio()) {
      throw new IllegalArgumentException(
          "--ratio " + maxRatio + " exceeds --search-ratio " + options.searchRatio());
    }
    RuntimeOptions runtime = new RuntimeOptions("cpu", threads, 1);
    FinerCut.Result result =
        new FinerCut(options, runtime)
            .run(
                model,
                calibrationFile,
                Optional.ofNullable(layout),
                Optional.ofNullable(sequences),
                Optional.ofNullable(tokens),
                criterion,
                Optional.ofNullable(chips),
                ratios,
                output,
                new ConsoleProgressBar(System.err, "finercut"));
    RemovalOrder order = result.order();
    out.println(FinerCutReport.markdown(order, ratios));
    out.printf(
        Locale.ROOT,
        "calibration: %s (sha256 %s), %s, %d sequences of at most %d tokens, %d tokens in all%n",
        calibrationFile,
        result.calibration().sha256(),
        result.calibration().layout().name().toLowerCase(Locale.ROOT),
        result.calibration().count(),
        result.calibration().tokens(),
        result.calibration().totalTokens());
    out.printf(
        Locale.ROOT,
        "sublayer evaluations: %d (naive: %d); wall time %.1f s%n",
        order.sublayerEvaluations(),
        order.naiveSublayerEvaluations(),
        order.wallMillis() / 1000.0);
    result.bundles().forEach((r, dir) -> out.printf(Locale.ROOT, "ratio %.3f -> %s%n", r, dir));
    if (splits.isPresent()) {
      // every ratio's bundle serves chips trained the chip-tuning way on its pruned backbone
      for (var e : result.bundles().entrySet()) {
        VariantEvaluation v = VariantLines.chipped(e.getValue(), splits.get(), recipe, runtime);
        out.println(VariantLines.line(e.getValue().getFileName().toString(), v));
      }
    }
    out.println("report: " + result.report());
    out.flush();
    return 0;
  }
}
