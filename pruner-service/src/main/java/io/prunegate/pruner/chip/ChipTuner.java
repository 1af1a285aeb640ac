package io.prunegate.pruner.chip;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.data.LabelledDataset;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.evaluation.VariantEvaluator;
import io.prunegate.pruner.progress.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chip-tuning: extracts pooled hidden states at every layer of a frozen backbone once, trains a
 * chip on every layer from those cached features, selects a layer, and writes the full-depth,
 * truncated and early-exit bundles with an HTML report.
 */
public final class ChipTuner {

  private static final Logger LOG = LoggerFactory.getLogger(ChipTuner.class);

  /** Timed calls per latency figure in the manifests. */
  public static final int DEFAULT_LATENCY_ITERATIONS = 20;

  private final ChipTuningOptions options;
  private final ChipTrainer.Settings training;
  private final int latencyIterations;

  public ChipTuner(ChipTuningOptions options) {
    this(options, ChipTrainer.Settings.defaults(), DEFAULT_LATENCY_ITERATIONS);
  }

  /** A tuner with explicit training settings and latency iterations (tests, benchmarks). */
  public ChipTuner(
      ChipTuningOptions options, ChipTrainer.Settings training, int latencyIterations) {
    this.options = options;
    this.training = training;
    this.latencyIterations = latencyIterations;
  }

  public ChipTuningOptions options() {
    return options;
  }

  /**
   * Extracts features once, trains chips on every layer, selects, and writes bundles under
   * outputDir: {@code full} (full depth, chip on the last layer), {@code truncated} (layers after
   * the chosen one removed from the weights), {@code early-exit} (if enabled; chips at several
   * layers with calibrated thresholds), plus {@code report.html} and {@code all-chips} (every
   * layer's chip, for choosing another layer later without retraining).
   */
  public ChipTuningResult tune(
      Path modelDir, DatasetSplits data, Path outputDir, ProgressListener progress) {
    if (data.labelNames().size() < 2) {
      throw new IllegalArgumentException(
          data.train().name() + ": needs at least two classes, has " + data.labelNames());
    }
    RuntimeOptions runtime =
        new RuntimeOptions("auto", options.threads(), options.threads() > 0 ? 1 : 0);
    LabelledDataset train = data.train().sample(options.maxTrainExamples(), options.seed());
    LabelledDataset validation = data.validation();
    Optional<LabelledDataset> test = data.test();
    int classes = data.labelNames().size();
    try {
      Files.createDirectories(outputDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + outputDir, e);
    }
    try (LoadedModel model = LoadedModel.load(modelDir, runtime)) {
      ModelConfig config = model.config();
      int layers = config.numLayers();
      long t0 = System.nanoTime();
      ChipRecipe.LayerChips lc =
          new ChipRecipe(options, training)
              .trainEveryLayer(model, train, validation, test, classes, progress.slice(0, 0.75));
      Pooling pooling = lc.pooling();
      Map<String, Double> poolingScores = lc.poolingScores();
      ChipTrainer.Trained trained = lc.trained();
      LOG.info(
          "chips trained: {} layers x {} seeds, {} epochs, {} ms",
          layers,
          options.ensemble(),
          trained.epochs(),
          (System.nanoTime() - t0) / 1_000_000);
      List<ChipWeights> chips = lc.chips();

      LayerFeatures vf = lc.validation();
      float[][] valProbs = new float[layers][];
      List<LayerAccuracy> curve = new ArrayList<>();
      int[] valLabels = validation.labelArray();
      for (int d = 1; d <= layers; d++) {
        valProbs[d - 1] = chips.get(d - 1).probabilities(vf.at(d), vf.count());
        double testAcc = Double.NaN;
        if (lc.test().isPresent()) {
          LayerFeatures tf = lc.test().get();
          testAcc =
              accuracy(
                  chips.get(d - 1).probabilities(tf.at(d), tf.count()),
                  test.get().labelArray(),
                  classes);
        }
        curve.add(
            new LayerAccuracy(
                d,
                accuracy(valProbs[d - 1], valLabels, classes),
                trained.validationLoss()[d - 1],
                testAcc));
      }
      int chosen = options.selection().select(curve);
      int best = bestDepth(curve);
      LOG.info(
          "pooling={} scores={} best layer={} chosen={}", pooling, poolingScores, best, chosen);

      ChipBundleWriter writer = new ChipBundleWriter(model, pooling, data.labelNames());
      writer.write(outputDir.resolve("all-chips"), chips, Map.of());
      Path fullDir = outputDir.resolve("full");
      Path truncDir = outputDir.resolve("truncated");
      Path exitDir = outputDir.resolve("early-exit");
      ModelConfig fullConfig = writer.write(fullDir, List.of(chips.get(layers - 1)), Map.of());
      ModelConfig truncConfig = writer.write(truncDir, List.of(chips.get(chosen - 1)), Map.of());
      progress.update(0.8, "bundles written");

      ExitCalibrator.Calibration calibration = null;
      if (options.earlyExit()) {
        int[] exitDepths = new int[best];
        float[][] exitProbs = new float[best][];
        for (int d = 1; d <= best; d++) {
          exitDepths[d - 1] = d;
          exitProbs[d - 1] = valProbs[d - 1];
        }
        // Exits may lose at most the tolerance of the examples the best layer's chip gets right.
        calibration =
            new ExitCalibrator(exitDepths, exitProbs, valLabels, classes)
                .calibrate(options.tolerancePoints() / 100.0);
        List<ChipWeights> exitChips = new ArrayList<>();
        for (int d : calibration.thresholds().keySet()) {
          exitChips.add(chips.get(d - 1));
        }
        exitChips.add(chips.get(best - 1));
        writer.write(exitDir, exitChips, calibration.thresholds());
        LOG.info(
            "early exit: thresholds={} validation accuracy={} mean depth={} lost={}",
            calibration.thresholds(),
            calibration.accuracy(),
            calibration.meanDepth(),
            calibration.lost());
      }

      VariantEvaluator timed = new VariantEvaluator(runtime, latencyIterations);
      VariantEvaluator untimed = new VariantEvaluator(runtime, 0);
      Map<String, Path> bundles = new LinkedHashMap<>();
      bundles.put("full", fullDir);
      bundles.put("truncated", truncDir);
      if (calibration != null) {
        bundles.put("early-exit", exitDir);
      }
      Map<String, VariantEvaluation> onValidation = new LinkedHashMap<>();
      Map<String, VariantEvaluation> reported = new LinkedHashMap<>();
      int k = 0;
      for (Map.Entry<String, Path> e : bundles.entrySet()) {
        try (TextClassifier c = TextClassifier.load(e.getValue(), runtime)) {
          VariantEvaluation v = timed.evaluate(c, validation);
          onValidation.put(e.getKey(), v);
          reported.put(e.getKey(), test.map(t -> withLatency(untimed.evaluate(c, t), v)).orElse(v));
        }
        progress.update(0.8 + 0.15 * (++k) / bundles.size(), "evaluated " + e.getKey());
      }

      ManifestInputs in =
          new ManifestInputs(
              modelDir,
              model,
              config,
              pooling,
              chips,
              poolingScores,
              curve,
              chosen,
              best,
              train,
              validation,
              test,
              onValidation,
              reported,
              calibration);
      manifest(in, fullDir, "chip-full-d" + layers, fullConfig, "full", layers);
      manifest(in, truncDir, "chip-d" + chosen, truncConfig, "truncated", chosen);
      if (calibration != null) {
        manifest(in, exitDir, "chip-exit-d" + best, config.truncatedTo(best), "early-exit", best);
      }
      Path report = outputDir.resolve("report.html");
      new ChipReport(
              modelDir.toString(),
              pooling,
              options,
              curve,
              validation.size(),
              chosen,
              best,
              reported,
              test.map(LabelledDataset::name).orElse(validation.name()),
              calibration == null ? Map.of() : calibration.thresholds())
          .write(report);
      progress.update(1, "done: layer " + chosen + " of " + layers);
      return new ChipTuningResult(
          curve,
          chosen,
          fullDir,
          truncDir,
          calibration == null ? Optional.empty() : Optional.of(exitDir),
          report,
          pooling,
          reported);
    }
  }

  /** The depth with the highest validation accuracy (the shallowest on ties). */
  static int bestDepth(List<LayerAccuracy> curve) {
    LayerAccuracy best = curve.get(0);
    for (LayerAccuracy a : curve) {
      if (a.validationAccuracy() > best.validationAccuracy() + 1e-12) {
        best = a;
      }
    }
    return best.depth();
  }

  static double accuracy(float[] probs, int[] labels, int classes) {
    int right = 0;
    for (int r = 0; r < labels.length; r++) {
      int arg = 0;
      for (int c = 1; c < classes; c++) {
        if (probs[r * classes + c] > probs[r * classes + arg]) {
          arg = c;
        }
      }
      if (arg == labels[r]) {
        right++;
      }
    }
    return (double) right / labels.length;
  }

  private static VariantEvaluation withLatency(VariantEvaluation acc, VariantEvaluation timed) {
    return new VariantEvaluation(
        acc.accuracy(),
        acc.parameterCount(),
        acc.flopsPerToken(),
        timed.batch1(),
        timed.batch32(),
        timed.throughputPerSecond(),
        acc.meanExitLayer());
  }

  /** Everything the three manifests share. */
  private record ManifestInputs(
      Path modelDir,
      LoadedModel model,
      ModelConfig parent,
      Pooling pooling,
      List<ChipWeights> chips,
      Map<String, Double> poolingScores,
      List<LayerAccuracy> curve,
      int chosen,
      int best,
      LabelledDataset train,
      LabelledDataset validation,
      Optional<LabelledDataset> test,
      Map<String, VariantEvaluation> onValidation,
      Map<String, VariantEvaluation> reported,
      ExitCalibrator.Calibration calibration) {}

  private void manifest(
      ManifestInputs in, Path dir, String variant, ModelConfig config, String key, int depth) {
    long parentParams = in.model().transformer().weights().parameterCount();
    VariantEvaluation v = in.onValidation().get(key);
    VariantEvaluation full = in.onValidation().get("full");
    long chipParams =
        in.chips().stream()
            .filter(
                c ->
                    c.depth() == depth
                        || (key.equals("early-exit")
                            && in.calibration().thresholds().containsKey(c.depth())))
            .mapToLong(ChipWeights::parameterCount)
            .sum();
    long backbone = v.parameterCount() - chipParams;
    List<Integer> chipDepths = new ArrayList<>();
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("head", options.head().name().toLowerCase(java.util.Locale.ROOT));
    parameters.put("pooling", in.pooling().wireName());
    parameters.put("ensemble", options.ensemble());
    parameters.put("selection", options.selection().describe());
    parameters.put("tolerance_points", options.tolerancePoints());
    parameters.put("max_train_examples", options.maxTrainExamples());
    parameters.put("seed", options.seed());
    parameters.put("layer", depth);
    if (key.equals("early-exit")) {
      chipDepths.addAll(new TreeMap<>(in.calibration().thresholds()).keySet());
      parameters.put("thresholds", new TreeMap<>(in.calibration().thresholds()));
    }
    chipDepths.add(depth);
    Map<Integer, Double> perDepth = new TreeMap<>();
    for (LayerAccuracy a : in.curve()) {
      perDepth.put(a.depth(), a.validationAccuracy());
    }
    BundleManifest.Evaluation evaluation =
        new BundleManifest.Evaluation(
            in.validation().name() + " (validation)",
            in.validation().size(),
            v.accuracy(),
            full.accuracy(),
            100 * (v.accuracy() - full.accuracy()),
            perDepth,
            Double.isNaN(v.meanExitLayer()) ? null : v.meanExitLayer());
    BundleManifest.Latency latency =
        new BundleManifest.Latency(
            in.model().device() + " (" + Runtime.getRuntime().availableProcessors() + " cores)",
            options.threads(),
            v.batch1().p50Ms(),
            v.batch1().p95Ms(),
            v.batch32().p50Ms(),
            v.batch32().p95Ms(),
            v.throughputPerSecond());
    Map<String, Object> dataInfo = new LinkedHashMap<>();
    dataInfo.put("train", describe(in.train()));
    dataInfo.put("validation", describe(in.validation()));
    in.test().ifPresent(t -> dataInfo.put("test", describe(t)));
    Map<String, Object> details = new LinkedHashMap<>();
    List<Map<String, Object>> curve = new ArrayList<>();
    for (LayerAccuracy a : in.curve()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("depth", a.depth());
      row.put("validation_accuracy", a.validationAccuracy());
      row.put("validation_loss", a.validationLoss());
      if (!Double.isNaN(a.testAccuracy())) {
        row.put("test_accuracy", a.testAccuracy());
      }
      curve.add(row);
    }
    details.put("curve", curve);
    details.put("pooling_linear_probe_scores", in.poolingScores());
    details.put("chosen_layer", in.chosen());
    details.put("best_layer", in.best());
    details.put("layers_removed", in.parent().numLayers() - config.numLayers());
    details.put("layer_pruning_ratio", 1.0 - (double) config.numLayers() / in.parent().numLayers());
    details.put("parameter_pruning_ratio", 1.0 - (double) backbone / parentParams);
    details.put("flops_per_token_run", v.flopsPerToken());
    in.test()
        .ifPresent(
            t -> {
              VariantEvaluation r = in.reported().get(key);
              Map<String, Object> te = new LinkedHashMap<>();
              te.put("dataset", t.name());
              te.put("examples", t.size());
              te.put("accuracy", r.accuracy());
              te.put("full_depth_accuracy", in.reported().get("full").accuracy());
              if (!Double.isNaN(r.meanExitLayer())) {
                te.put("mean_exit_layer", r.meanExitLayer());
              }
              details.put("test_evaluation", te);
            });
    Optional<BundleManifest> parentManifest =
        VariantBundle.isBundle(in.modelDir())
            ? Optional.of(VariantBundle.readManifest(in.modelDir()))
            : Optional.empty();
    String base =
        parentManifest
            .map(p -> p.lineage() == null ? null : p.lineage().baseModel())
            .orElse(in.modelDir().toString());
    BundleManifest m =
        new BundleManifest(
            BundleManifest.SCHEMA_VERSION,
            variant,
            "chip",
            parameters,
            new BundleManifest.Lineage(in.modelDir().toString(), null, base),
            BundleManifest.Structure.of(
                config, backbone, in.parent(), parentParams, chipParams, chipDepths),
            in.validation().labelNames(),
            evaluation,
            latency,
            dataInfo,
            null,
            details);
    ChipBundleWriter.finish(dir, m);
  }

  private static Map<String, Object> describe(LabelledDataset d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", d.name());
    m.put("examples", d.size());
    m.put("sha256", d.sha256());
    return m;
  }
}
