package io.prunegate.pruner.finercut;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.Chip;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.chip.ChipKind;
import io.prunegate.pruner.chip.ChipTrainer;
import io.prunegate.pruner.chip.FeatureExtractor;
import io.prunegate.pruner.chip.LayerFeatures;
import io.prunegate.pruner.data.LabelledDataset;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Composes FinerCut with chip-tuning: trains a chip on the last layer of a pruned backbone (the
 * frozen FinerCut variant) with the chip-tuning feature extractor and trainer, writes it into the
 * bundle and updates the manifest (labels, chip parameters, training data hashes), so the variant
 * serves classification.
 */
public final class PrunedChips {

  /**
   * How the chip is trained.
   *
   * @param kind linear or MLP head
   * @param pooling how the last layer's hidden states are pooled
   * @param batchSize texts per feature-extraction batch
   * @param seed training seed
   */
  public record Settings(ChipKind kind, Pooling pooling, int batchSize, long seed) {

    /** A linear chip on CLS-pooled states, batches of 32, seed 7. */
    public static Settings defaults() {
      return new Settings(ChipKind.LINEAR, Pooling.CLS, 32, 7);
    }
  }

  private final Settings settings;
  private final RuntimeOptions runtime;

  public PrunedChips(Settings settings, RuntimeOptions runtime) {
    this.settings = settings;
    this.runtime = runtime;
  }

  /**
   * Trains the chip on {@code bundle}'s backbone ({@code validation} for early stopping), writes
   * {@value ChipSet#FILE_NAME} and rewrites the manifest; returns the updated manifest.
   */
  public BundleManifest train(
      Path bundle, LabelledDataset train, LabelledDataset validation, ProgressListener progress) {
    if (!train.labelNames().equals(validation.labelNames())) {
      throw new IllegalArgumentException(
          validation.name()
              + ": labels "
              + validation.labelNames()
              + " differ from "
              + train.name()
              + "'s "
              + train.labelNames());
    }
    try (LoadedModel model = LoadedModel.load(bundle, runtime)) {
      int depth = model.config().numLayers();
      int dim = model.config().hiddenSize();
      FeatureExtractor extractor = new FeatureExtractor(model, settings.batchSize());
      LayerFeatures trainFeatures =
          extractor
              .extract(train.texts(), List.of(settings.pooling()), progress.slice(0, 0.7))
              .get(settings.pooling());
      LayerFeatures validationFeatures =
          extractor
              .extract(validation.texts(), List.of(settings.pooling()), progress.slice(0.7, 0.85))
              .get(settings.pooling());
      ChipTrainer.Trained trained =
          new ChipTrainer(settings.kind(), ChipTrainer.Settings.defaults(), settings.seed())
              .train(
                  model.manager(),
                  new int[] {depth},
                  List.of(trainFeatures.at(depth)),
                  train.labelArray(),
                  List.of(validationFeatures.at(depth)),
                  validation.labelArray(),
                  train.numClasses(),
                  dim,
                  progress.slice(0.85, 1));
      Chip chip = trained.chips().get(0).toChip(model.manager());
      ChipSet chips = ChipSet.single(chip, settings.pooling(), train.labelNames());
      chips.write(bundle);
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
              List.of(depth));
      Map<String, Object> data = new LinkedHashMap<>(m.data() == null ? Map.of() : m.data());
      data.put(
          "chip_train",
          Map.of("name", train.name(), "examples", train.size(), "sha256", train.sha256()));
      data.put(
          "chip_validation",
          Map.of(
              "name",
              validation.name(),
              "examples",
              validation.size(),
              "sha256",
              validation.sha256()));
      Map<String, Object> details =
          new LinkedHashMap<>(m.details() == null ? Map.of() : m.details());
      details.put(
          "chip",
          Map.of(
              "kind", settings.kind().name().toLowerCase(java.util.Locale.ROOT),
              "pooling", settings.pooling().wireName(),
              "depth", depth,
              "validation_accuracy", trained.validationAccuracy()[0],
              "epochs", trained.epochs()));
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
              m.evaluation(),
              m.latency(),
              data,
              null,
              details));
    }
  }
}
