package io.prunegate.standalone.demo;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.chip.ChipBundleWriter;
import io.prunegate.pruner.chip.ChipKind;
import io.prunegate.pruner.chip.ChipTrainer;
import io.prunegate.pruner.chip.ChipWeights;
import io.prunegate.pruner.chip.FeatureExtractor;
import io.prunegate.pruner.chip.LayerFeatures;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.data.LabelledDataset;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the demo's champion: the unpruned backbone with one linear chip on its last layer, trained
 * on the task's train split (the chip-tuning pieces: {@link FeatureExtractor}, {@link ChipTrainer},
 * {@link ChipBundleWriter}). Unlike a full {@code ChipTuner} run it trains no other layer and
 * measures no latency: the pruner does all of that for the variants it derives, and the demo
 * measures every variant through Kafka itself.
 */
public final class ChampionTrainer {

  /** The manifest's variant name for a model of {@code layers} layers. */
  static String variantName(int layers) {
    return "chip-full-d" + layers;
  }

  private final RuntimeOptions runtime;
  private final long seed;

  /** A trainer loading the model with {@code runtime}; {@code seed} fixes the chip's training. */
  public ChampionTrainer(RuntimeOptions runtime, long seed) {
    this.runtime = runtime;
    this.seed = seed;
  }

  /**
   * Trains the chip and writes the bundle (backbone, chip, manifest) into {@code dir}.
   *
   * @param baseModel the base model's name, for the manifest's lineage
   * @return the written manifest, with the chip's validation accuracy
   */
  public BundleManifest train(
      Path modelDir, String baseModel, DatasetSplits data, Path dir, ProgressListener progress) {
    LabelledDataset train = data.train();
    LabelledDataset validation = data.validation();
    List<Pooling> pooling = List.of(Pooling.MEAN);
    try (LoadedModel model = LoadedModel.load(modelDir, runtime)) {
      ModelConfig config = model.config();
      int depth = config.numLayers();
      FeatureExtractor extractor = new FeatureExtractor(model, 32);
      LayerFeatures trainF =
          extractor.extract(train.texts(), pooling, progress.slice(0, 0.7)).get(Pooling.MEAN);
      LayerFeatures valF =
          extractor
              .extract(validation.texts(), pooling, progress.slice(0.7, 0.9))
              .get(Pooling.MEAN);
      ChipTrainer.Trained trained =
          new ChipTrainer(ChipKind.LINEAR, ChipTrainer.Settings.defaults(), seed)
              .train(
                  model.manager(),
                  new int[] {depth},
                  List.of(trainF.at(depth)),
                  train.labelArray(),
                  List.of(valF.at(depth)),
                  validation.labelArray(),
                  data.labelNames().size(),
                  config.hiddenSize(),
                  progress.slice(0.9, 0.97));
      ChipWeights chip = trained.chips().get(0);
      double accuracy = trained.validationAccuracy()[0];
      ModelConfig written =
          new ChipBundleWriter(model, Pooling.MEAN, data.labelNames())
              .write(dir, List.of(chip), Map.of());
      long params = model.transformer().weights().parameterCount();
      Map<String, Object> parameters = new LinkedHashMap<>();
      parameters.put("head", "linear");
      parameters.put("pooling", Pooling.MEAN.wireName());
      parameters.put("layer", depth);
      parameters.put("seed", seed);
      Map<String, Object> dataInfo = new LinkedHashMap<>();
      dataInfo.put("train", train.name() + " (" + train.size() + " examples)");
      dataInfo.put("validation", validation.name() + " (" + validation.size() + " examples)");
      BundleManifest manifest =
          new BundleManifest(
              BundleManifest.SCHEMA_VERSION,
              variantName(depth),
              "chip",
              parameters,
              new BundleManifest.Lineage(baseModel, null, baseModel),
              BundleManifest.Structure.of(
                  written, params, config, params, chip.parameterCount(), List.of(depth)),
              data.labelNames(),
              new BundleManifest.Evaluation(
                  validation.name() + " (validation)",
                  validation.size(),
                  accuracy,
                  accuracy,
                  0.0,
                  Map.of(depth, accuracy),
                  null),
              null,
              dataInfo,
              null,
              Map.of("epochs", trained.epochs()));
      BundleManifest done = ChipBundleWriter.finish(dir, manifest);
      progress.update(
          1, String.format(java.util.Locale.ROOT, "validation accuracy %.1f%%", 100 * accuracy));
      return done;
    }
  }
}
