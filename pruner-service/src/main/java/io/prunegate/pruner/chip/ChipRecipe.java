package io.prunegate.pruner.chip;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.Chip;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.data.LabelledDataset;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The chip-tuning way of giving a backbone its served chips, shared by every method so that the
 * Pareto table compares backbones and not chip recipes: pooled features of every layer, the pooling
 * chosen on validation by linear probes (unless fixed), the configured head trained as a seed
 * ensemble on every layer, and early-exit thresholds calibrated within the tolerance when they save
 * layers. {@link ChipTuner} uses {@link #trainEveryLayer}; the pruning methods use {@link #apply}
 * on the bundles they wrote, which keep their whole (pruned) depth: the last layer's chip always
 * answers.
 */
public final class ChipRecipe {

  /** The value of {@code details.chip.recipe} in the manifest of a bundle this class chipped. */
  public static final String RECIPE = "chip-tuning";

  private final ChipTuningOptions options;
  private final ChipTrainer.Settings training;

  public ChipRecipe(ChipTuningOptions options) {
    this(options, ChipTrainer.Settings.defaults());
  }

  public ChipRecipe(ChipTuningOptions options, ChipTrainer.Settings training) {
    this.options = options;
    this.training = training;
  }

  public ChipTuningOptions options() {
    return options;
  }

  /**
   * Chips on every layer of a loaded backbone.
   *
   * @param pooling the pooling the chips read
   * @param poolingScores each compared pooling's best linear-probe validation accuracy (empty when
   *     the pooling was fixed)
   * @param chips one (ensembled) chip per depth 1..L
   * @param trained the trainer's result (losses, epochs)
   * @param validation pooled validation features of the chosen pooling
   * @param test pooled test features of the chosen pooling, when a test split was given
   */
  public record LayerChips(
      Pooling pooling,
      Map<String, Double> poolingScores,
      List<ChipWeights> chips,
      ChipTrainer.Trained trained,
      LayerFeatures validation,
      Optional<LayerFeatures> test) {}

  /**
   * Extracts features once, chooses the pooling and trains a chip on every layer of {@code model}
   * from {@code train} (already sampled), early-stopped on {@code validation}.
   */
  public LayerChips trainEveryLayer(
      LoadedModel model,
      LabelledDataset train,
      LabelledDataset validation,
      Optional<LabelledDataset> test,
      int classes,
      ProgressListener progress) {
    ModelConfig config = model.config();
    int layers = config.numLayers();
    List<Pooling> poolings =
        options
            .pooling()
            .map(List::of)
            .orElse(
                config.family().isDecoder()
                    ? List.of(Pooling.LAST_TOKEN)
                    : List.of(Pooling.MEAN, Pooling.CLS));
    FeatureExtractor extractor = new FeatureExtractor(model, options.batchSize());
    double testShare = test.isPresent() ? 0.1 : 0;
    ProgressListener features = progress.slice(0, 0.8);
    Map<Pooling, LayerFeatures> trainF =
        extractor.extract(train.texts(), poolings, features.slice(0, 0.85 - testShare));
    Map<Pooling, LayerFeatures> valF =
        extractor.extract(
            validation.texts(), poolings, features.slice(0.85 - testShare, 1 - testShare));
    Optional<Map<Pooling, LayerFeatures>> testF =
        test.map(t -> extractor.extract(t.texts(), poolings, features.slice(1 - testShare, 1)));

    Map<String, Double> poolingScores = new LinkedHashMap<>();
    Pooling pooling = poolings.get(0);
    if (poolings.size() > 1) {
      // Rank poolings with linear chips on every layer (cheap: no hidden layer), then train the
      // requested head for the winner only.
      List<float[]> tr = new ArrayList<>();
      List<float[]> va = new ArrayList<>();
      int[] probeDepths = new int[poolings.size() * layers];
      for (int p = 0; p < poolings.size(); p++) {
        for (int d = 1; d <= layers; d++) {
          probeDepths[p * layers + d - 1] = d;
          tr.add(trainF.get(poolings.get(p)).at(d));
          va.add(valF.get(poolings.get(p)).at(d));
        }
      }
      ChipTrainer.Trained probes =
          new ChipTrainer(ChipKind.LINEAR, training, options.seed())
              .train(
                  model.manager(),
                  probeDepths,
                  tr,
                  train.labelArray(),
                  va,
                  validation.labelArray(),
                  classes,
                  config.hiddenSize(),
                  progress.slice(0.8, 0.87));
      double bestScore = -1;
      for (int p = 0; p < poolings.size(); p++) {
        double score = 0;
        for (int d = 0; d < layers; d++) {
          score = Math.max(score, probes.validationAccuracy()[p * layers + d]);
        }
        poolingScores.put(poolings.get(p).wireName(), score);
        if (score > bestScore + 1e-12) {
          bestScore = score;
          pooling = poolings.get(p);
        }
      }
      progress.update(0.87, "pooling " + pooling.wireName() + " " + poolingScores);
    }
    int[] depths = new int[layers];
    List<float[]> trainSlices = new ArrayList<>();
    List<float[]> valSlices = new ArrayList<>();
    for (int d = 1; d <= layers; d++) {
      depths[d - 1] = d;
      trainSlices.add(trainF.get(pooling).at(d));
      valSlices.add(valF.get(pooling).at(d));
    }
    ChipTrainer.Trained trained =
        new ChipTrainer(options.head(), training, options.seed(), options.ensemble())
            .train(
                model.manager(),
                depths,
                trainSlices,
                train.labelArray(),
                valSlices,
                validation.labelArray(),
                classes,
                config.hiddenSize(),
                progress.slice(0.87, 1));
    Pooling chosen = pooling;
    return new LayerChips(
        pooling,
        poolingScores,
        trained.chips(),
        trained,
        valF.get(pooling),
        testF.map(m -> m.get(chosen)));
  }

  /**
   * Trains the recipe's chips on {@code bundle}'s whole backbone (a variant another method wrote),
   * writes {@value ChipSet#FILE_NAME} (the last layer's chip, plus calibrated exits when early exit
   * is on and saves layers) and rewrites the manifest: labels, chip structure, the training data
   * and {@code details.chip} (recipe, head, pooling, ensemble, seed, exits). Returns the manifest.
   */
  public BundleManifest apply(Path bundle, DatasetSplits data, ProgressListener progress) {
    if (data.labelNames().size() < 2) {
      throw new IllegalArgumentException(
          data.train().name() + ": needs at least two classes, has " + data.labelNames());
    }
    RuntimeOptions runtime =
        new RuntimeOptions("auto", options.threads(), options.threads() > 0 ? 1 : 0);
    LabelledDataset train = data.train().sample(options.maxTrainExamples(), options.seed());
    LabelledDataset validation = data.validation();
    int classes = data.labelNames().size();
    try (LoadedModel model = LoadedModel.load(bundle, runtime)) {
      int layers = model.config().numLayers();
      LayerChips lc =
          trainEveryLayer(model, train, validation, Optional.empty(), classes, progress);
      int[] valLabels = validation.labelArray();
      int[] depths = new int[layers];
      float[][] probs = new float[layers][];
      for (int d = 1; d <= layers; d++) {
        depths[d - 1] = d;
        probs[d - 1] = lc.chips().get(d - 1).probabilities(lc.validation().at(d), valLabels.length);
      }
      Map<Integer, Double> perDepth = new TreeMap<>();
      for (int d = 1; d <= layers; d++) {
        perDepth.put(d, ChipTuner.accuracy(probs[d - 1], valLabels, classes));
      }
      double lastAccuracy = perDepth.get(layers);
      double servedAccuracy = lastAccuracy;
      Map<Integer, Double> thresholds = Map.of();
      Double meanDepth = null;
      if (options.earlyExit() && layers > 1) {
        // The same budget as chip-tuning's exits, against this backbone's deepest chip.
        ExitCalibrator.Calibration c =
            new ExitCalibrator(depths, probs, valLabels, classes)
                .calibrate(options.tolerancePoints() / 100.0);
        if (c.meanDepth() < layers - 1e-9) {
          thresholds = new TreeMap<>(c.thresholds());
          meanDepth = c.meanDepth();
          servedAccuracy = c.accuracy();
        }
      }
      List<ChipWeights> served = new ArrayList<>();
      for (int d : new TreeMap<>(thresholds).keySet()) {
        served.add(lc.chips().get(d - 1));
      }
      served.add(lc.chips().get(layers - 1));
      ChipSet set;
      try (NDManager m = model.newBatchManager()) {
        List<Chip> list = new ArrayList<>();
        for (ChipWeights c : served) {
          list.add(c.toChip(m));
        }
        set = new ChipSet(list, lc.pooling(), data.labelNames(), thresholds);
        set.write(bundle);
      }
      Map<String, Object> chip = new LinkedHashMap<>();
      chip.put("recipe", RECIPE);
      chip.put("kind", options.head().name().toLowerCase(Locale.ROOT));
      chip.put("pooling", lc.pooling().wireName());
      chip.put("ensemble", options.ensemble());
      chip.put("seed", options.seed());
      chip.put("max_train_examples", options.maxTrainExamples());
      chip.put("depth", layers);
      chip.put("validation_accuracy", lastAccuracy);
      chip.put("epochs", lc.trained().epochs());
      chip.put("early_exit", options.earlyExit());
      chip.put("tolerance_points", options.tolerancePoints());
      chip.put("thresholds", thresholds);
      if (meanDepth != null) {
        chip.put("mean_exit_layer", meanDepth);
      }
      if (!lc.poolingScores().isEmpty()) {
        chip.put("pooling_linear_probe_scores", lc.poolingScores());
      }
      // The manifest's evaluation is the served chips' (a method's own scoring chip, such as
      // LLM-Pruner's, is a different classifier); the parent's accuracy is the service's to
      // measure.
      BundleManifest.Evaluation evaluation =
          new BundleManifest.Evaluation(
              validation.name() + " (validation)",
              validation.size(),
              servedAccuracy,
              null,
              null,
              perDepth,
              meanDepth);
      return rewriteManifest(
          bundle,
          set,
          served.stream().map(ChipWeights::depth).toList(),
          train,
          validation,
          chip,
          evaluation);
    }
  }

  private static BundleManifest rewriteManifest(
      Path bundle,
      ChipSet chips,
      List<Integer> chipDepths,
      LabelledDataset train,
      LabelledDataset validation,
      Map<String, Object> chip,
      BundleManifest.Evaluation evaluation) {
    BundleManifest m = VariantBundle.readManifest(bundle);
    BundleManifest.Structure s = m.structure();
    BundleManifest.Structure structure =
        new BundleManifest.Structure(
            s.layers(),
            s.parentLayers(),
            s.attentionSublayers(),
            s.ffnSublayers(),
            s.attentionHeads(),
            s.ffnChannels(),
            s.parameters(),
            s.parentParameters(),
            chips.parameterCount(),
            s.flopsPerToken(),
            s.parentFlopsPerToken(),
            s.perLayer(),
            chipDepths);
    Map<String, Object> dataInfo = new LinkedHashMap<>(m.data() == null ? Map.of() : m.data());
    dataInfo.put("chip_train", describe(train));
    dataInfo.put("chip_validation", describe(validation));
    Map<String, Object> details = new LinkedHashMap<>(m.details() == null ? Map.of() : m.details());
    details.put("chip", chip);
    if (m.evaluation() != null) {
      // kept, under another name: what the method measured with its own scoring chip
      details.put("method_evaluation", m.evaluation());
    }
    return VariantBundle.writeManifest(
        bundle,
        new BundleManifest(
            m.schemaVersion(),
            m.variant(),
            m.method(),
            m.parameters(),
            m.lineage(),
            structure,
            chips.labels(),
            evaluation,
            m.latency(),
            dataInfo,
            null,
            details));
  }

  private static Map<String, Object> describe(LabelledDataset d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", d.name());
    m.put("examples", d.size());
    m.put("sha256", d.sha256());
    return m;
  }
}
