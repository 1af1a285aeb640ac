package io.prunegate.pruner.cli;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.tokenizer.TextTokenizer;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.data.CalibrationText;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.llmpruner.GroupAggregation;
import io.prunegate.pruner.llmpruner.ImportanceEstimator;
import io.prunegate.pruner.llmpruner.LlmPrunerBundle;
import io.prunegate.pruner.llmpruner.LlmPrunerOptions;
import io.prunegate.pruner.llmpruner.LlmPrunerSession;
import io.prunegate.pruner.llmpruner.PrunedVariant;
import io.prunegate.pruner.llmpruner.PruningTask;
import io.prunegate.pruner.llmpruner.TaskData;
import io.prunegate.pruner.lora.LoraOptions;
import io.prunegate.pruner.lora.LoraTarget;
import io.prunegate.pruner.progress.ConsoleProgressBar;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code prune llm-pruner}: structured width pruning with Taylor importance and LoRA recovery.
 * Decoders use the next-token loss on a text file; encoders the task loss of a last-layer chip on a
 * labelled TSV, and the written bundle then serves chips trained the chip-tuning way on the pruned
 * backbone, evaluated (accuracy, latency, throughput) as {@code prune chip} reports its variants.
 */
@Command(
    name = "llm-pruner",
    mixinStandardHelpOptions = true,
    description = {
      "LLM-Pruner: remove the least important attention groups (kv heads with their query heads)",
      "and FFN channels of every pruned layer, ranked by first-order Taylor importance, then",
      "recover with LoRA (merged into the weights). Decoders: --text (LM loss). Encoders: --train",
      "(and --validation, --test) data (task loss through a last-layer chip); the bundle then",
      "serves chips trained the chip-tuning way on the pruned backbone."
    })
public final class LlmPrunerCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      description = "Model directory or default model name (bge-small-en-v1.5, all-MiniLM-L6-v2).")
  String model;

  @Option(names = "--output", required = true, description = "Bundle directory to write.")
  Path output;

  @Option(
      names = "--ratio",
      defaultValue = "0.2",
      description = "Fraction of each pruned layer's projection parameters removed (default: 0.2).")
  double ratio;

  @Option(
      names = "--layers",
      split = ",",
      description = "Layers to prune, 0-based (default: all but the first and the last).")
  List<Integer> layers = List.of();

  @Option(
      names = "--estimator",
      defaultValue = "element",
      description = "element (sum |w g|), vector (|sum w g|) or second (diagonal Fisher).")
  String estimator;

  @Option(
      names = "--aggregation",
      defaultValue = "sum",
      description = "Group aggregation: sum, mean or max (default: sum).")
  String aggregation;

  @Option(names = "--text", description = "Decoders: text file for calibration and recovery.")
  Path text;

  @Option(
      names = "--calibration-samples",
      description =
          "Calibration sequences (decoders, default 10 as the authors) or training examples"
              + " (encoders, default 256) whose loss gradients rank the groups.")
  Integer calibrationSamplesOption;

  private int calibrationSamples;

  /** Encoders: the labelled splits, read by {@link #task}. */
  private DatasetSplits splits;

  @Option(
      names = "--calibration-tokens",
      defaultValue = "64",
      description = "Decoders: tokens per calibration sequence (default: 64).")
  int calibrationTokens;

  @Option(
      names = "--recovery-sequences",
      defaultValue = "200",
      description = "Decoders: sequences of --text for LoRA recovery (default: 200).")
  int recoverySequences;

  @Option(
      names = "--evaluation-sequences",
      defaultValue = "20",
      description = "Decoders: held-out sequences scoring the variant (default: 20).")
  int evaluationSequences;

  @Mixin DataOptions data;

  @Mixin ChipOptions chipOptions;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--max-train",
      defaultValue = "2000",
      description =
          "Encoders: training examples for the chips; recovery trains on the next as many"
              + " (default: 2000).")
  int maxTrain;

  @Option(names = "--no-recovery", description = "Skip LoRA recovery.")
  boolean noRecovery;

  @Option(names = "--lora-rank", defaultValue = "8", description = "LoRA rank (default: 8).")
  int loraRank;

  @Option(names = "--lora-alpha", defaultValue = "16", description = "LoRA alpha (default: 16).")
  float loraAlpha;

  @Option(
      names = "--lora-dropout",
      defaultValue = "0.05",
      description = "LoRA dropout (default: 0.05).")
  float loraDropout;

  @Option(
      names = "--lora-targets",
      defaultValue = "q,k,v,o,gate,up,down",
      description = "Adapted projections (default: all).")
  String loraTargets;

  @Option(
      names = "--lora-lr",
      defaultValue = "1e-3",
      description = "LoRA learning rate (default: 1e-3; the chip head uses 1e-3 too).")
  float loraLr;

  @Option(names = "--epochs", defaultValue = "1", description = "Recovery epochs (default: 1).")
  int epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "16",
      description = "Recovery batch size (default: 16).")
  int batchSize;

  @Option(names = "--threads", defaultValue = "2", description = "Engine threads (default: 2).")
  int threads;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu, gpu or gpu:N (default: auto).")
  String device;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    calibrationSamples =
        calibrationSamplesOption != null ? calibrationSamplesOption : text != null ? 10 : 256;
    Path dir = DefaultModels.resolve(model);
    Optional<Pooling> pooling;
    ChipTuningOptions recipe;
    try {
      pooling = chipOptions.pooling();
      recipe = chipOptions.recipe(maxTrain, 32, seed, threads);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    LoraOptions lora =
        new LoraOptions(
            loraRank,
            loraAlpha,
            loraDropout,
            LoraTarget.parse(loraTargets),
            loraLr,
            1e-3f,
            epochs,
            batchSize,
            0,
            seed);
    LlmPrunerOptions options =
        new LlmPrunerOptions(
            ratio,
            layers,
            ImportanceEstimator.parse(estimator),
            GroupAggregation.parse(aggregation),
            calibrationSamples,
            calibrationTokens,
            8,
            !noRecovery,
            lora,
            // the importance chip reads the pooling given, else mean (the served chips choose)
            pooling.orElse(Pooling.MEAN),
            text == null ? maxTrain : 0);
    RuntimeOptions runtime = new RuntimeOptions(device, threads, 1);
    PruningTask task = task(dir);
    ConsoleProgressBar bar = new ConsoleProgressBar(out, "llm-pruner");
    try (LlmPrunerSession s =
            LlmPrunerSession.open(dir, task, options, runtime, bar.slice(0, 0.2));
        PrunedVariant v = s.prune(ratio, !noRecovery, bar.slice(0.2, 0.95))) {
      BundleManifest m = LlmPrunerBundle.write(s, v, output);
      var c = v.parameters();
      out.printf(
          "%nllm-pruner %s: pruned layers %d -> %d parameters (%.1f%% removed), backbone %d -> %d%n",
          m.variant(),
          c.prunedLayersBefore(),
          c.prunedLayersAfter(),
          100 * c.prunedLayersRemoved(),
          c.before(),
          c.after());
      String what = text != null ? "LM loss" : "accuracy";
      out.printf(
          "%s: dense %.4f, pruned %.4f%s; importance %.1f s%s%n",
          what,
          s.denseScore(),
          v.scoreWithoutRecovery(),
          Double.isNaN(v.scoreWithRecovery())
              ? ""
              : String.format(", after LoRA %.4f", v.scoreWithRecovery()),
          s.importanceSeconds(),
          v.lossCurve().map(l -> String.format(", recovery %.1f s", l.seconds())).orElse(""));
      if (splits != null) {
        // the served chips are the chip-tuning recipe's, retrained on the pruned backbone
        VariantEvaluation e = VariantLines.chipped(output, splits, recipe, runtime);
        out.println(VariantLines.line(m.variant(), e));
      }
      out.println("bundle: " + output.toAbsolutePath());
    }
    return 0;
  }

  private PruningTask task(Path dir) {
    if (text != null) {
      if (data.given() || data.validation != null) {
        throw new ParameterException(spec.commandLine(), "give --text or --train/--validation");
      }
      int n = calibrationSamples + evaluationSequences + (noRecovery ? 0 : recoverySequences);
      CalibrationText all;
      // the tokenizer alone: no need to load the weights to cut the text into sequences
      Path tokenizerFile = dir.resolve(TextTokenizer.FILE_NAME);
      if (!java.nio.file.Files.isRegularFile(tokenizerFile)) {
        throw new IllegalArgumentException(dir + ": no " + TextTokenizer.FILE_NAME);
      }
      ModelConfig config = ModelConfig.read(dir);
      try (TextTokenizer tok =
          TextTokenizer.load(
              tokenizerFile, Math.min(config.maxPositions(), 4096), config.padTokenId())) {
        all = CalibrationText.read(text, tok, n, calibrationTokens);
      }
      List<long[]> seqs = all.sequences();
      CalibrationText calib = part(all, seqs.subList(0, calibrationSamples));
      CalibrationText eval =
          part(all, seqs.subList(calibrationSamples, calibrationSamples + evaluationSequences));
      Optional<CalibrationText> rec =
          noRecovery
              ? Optional.empty()
              : Optional.of(part(all, seqs.subList(calibrationSamples + evaluationSequences, n)));
      return new PruningTask.LanguageModel(calib, rec, eval);
    }
    if (!data.given()) {
      throw new ParameterException(
          spec.commandLine(), "give --text (decoders) or --train (encoders)");
    }
    data.check(spec.commandLine(), true);
    splits = data.read(seed);
    ChipCommand.printData(new java.io.PrintWriter(System.out, true), splits);
    return PruningTask.Classification.split(
        TaskData.of(splits.train()),
        maxTrain,
        TaskData.of(splits.validation()),
        data.train.getFileName().toString());
  }

  private static CalibrationText part(CalibrationText all, List<long[]> seqs) {
    return new CalibrationText(seqs, all.source(), all.sha256(), all.tokens(), all.layout());
  }
}
