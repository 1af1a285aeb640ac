package io.prunegate.pruner.llmpruner;

import io.prunegate.model.ModelJson;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.pruner.data.CalibrationText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an LLM-Pruner variant as a bundle: the Hugging Face files of the sliced (and merged)
 * model, {@code chips.safetensors} for encoders, {@value #REPORT} (importances, kept groups,
 * parameter counts, loss curve, timings) and the manifest with every file's sha256.
 */
public final class LlmPrunerBundle {

  /** The report file of a bundle. */
  public static final String REPORT = "llm-pruner-report.json";

  private LlmPrunerBundle() {}

  /** Writes {@code variant} of {@code session} into {@code dir}; returns the manifest. */
  public static BundleManifest write(LlmPrunerSession session, PrunedVariant variant, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    session.model().save(dir, variant.config(), variant.weights());
    List<String> labels = List.of();
    long chipParams = 0;
    List<Integer> chipDepths = List.of();
    if (variant.chip().isPresent()) {
      LinearChip chip = variant.chip().get();
      labels = ((PruningTask.Classification) session.task()).train().labelNames();
      ChipSet set = ChipSet.single(chip, session.options().pooling(), labels);
      set.write(dir);
      chipParams = set.parameterCount();
      chipDepths = List.of(chip.depth());
    }
    Map<String, Object> report = report(session, variant);
    try {
      ModelJson.pretty().writeValue(dir.resolve(REPORT).toFile(), report);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(REPORT), e);
    }
    var counts = variant.parameters();
    BundleManifest.Evaluation evaluation = null;
    if (session.task() instanceof PruningTask.Classification c) {
      double acc = score(variant);
      evaluation =
          new BundleManifest.Evaluation(
              c.datasetName() + " validation",
              c.validation().size(),
              acc,
              session.denseScore(),
              100 * (acc - session.denseScore()),
              null,
              null);
    }
    BundleManifest manifest =
        new BundleManifest(
            BundleManifest.SCHEMA_VERSION,
            String.format(Locale.ROOT, "llm-pruner-r%02d", Math.round(variant.ratio() * 100)),
            "llm-pruner",
            parameters(session.options(), variant.ratio()),
            new BundleManifest.Lineage(session.model().directory().toString(), null, null),
            BundleManifest.Structure.of(
                variant.config(),
                counts.after(),
                session.model().config(),
                counts.before(),
                chipParams,
                chipDepths),
            labels,
            evaluation,
            null,
            data(session.task()),
            null,
            Map.of("report", REPORT, "pruned_layers", session.prunedLayers()));
    return VariantBundle.writeManifest(dir, manifest);
  }

  private static double score(PrunedVariant v) {
    return Double.isNaN(v.scoreWithRecovery()) ? v.scoreWithoutRecovery() : v.scoreWithRecovery();
  }

  static Map<String, Object> parameters(LlmPrunerOptions o, double ratio) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ratio", ratio);
    p.put("layers", o.layers().isEmpty() ? "all but first and last" : o.layers());
    p.put("estimator", o.estimator().name().toLowerCase(Locale.ROOT));
    p.put("aggregation", o.aggregation().name().toLowerCase(Locale.ROOT));
    p.put("calibration_samples", o.calibrationSamples());
    p.put("calibration_tokens", o.calibrationTokens());
    p.put("recover", o.recover());
    if (o.recover()) {
      p.put("lora_rank", o.lora().rank());
      p.put("lora_alpha", o.lora().alpha());
      p.put("lora_dropout", o.lora().dropout());
      p.put("lora_targets", o.lora().targets().stream().map(Enum::name).sorted().toList());
      p.put("lora_learning_rate", o.lora().learningRate());
      p.put("lora_epochs", o.lora().epochs());
      p.put("lora_batch_size", o.lora().batchSize());
    }
    p.put("pooling", o.pooling().wireName());
    return p;
  }

  private static Map<String, Object> data(PruningTask task) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (task instanceof PruningTask.LanguageModel lm) {
      d.put("calibration", lm.calibration().describe());
      lm.recovery().map(CalibrationText::describe).ifPresent(r -> d.put("recovery", r));
      d.put("evaluation", lm.evaluation().describe());
    } else if (task instanceof PruningTask.Classification c) {
      d.put("dataset", c.datasetName());
      d.put("train_examples", c.train().size());
      d.put("validation_examples", c.validation().size());
    }
    return d;
  }

  static Map<String, Object> report(LlmPrunerSession s, PrunedVariant v) {
    boolean lm = s.task() instanceof PruningTask.LanguageModel;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("method", "llm-pruner");
    r.put("parameters", parameters(s.options(), v.ratio()));
    r.put("score", lm ? "mean next-token loss (lower is better)" : "chip accuracy");
    r.put("dense_score", s.denseScore());
    r.put("score_without_recovery", v.scoreWithoutRecovery());
    if (!Double.isNaN(v.scoreWithRecovery())) {
      r.put("score_with_recovery", v.scoreWithRecovery());
    }
    var c = v.parameters();
    r.put("parameters_before", c.before());
    r.put("parameters_after", c.after());
    r.put("pruned_layer_parameters_before", c.prunedLayersBefore());
    r.put("pruned_layer_parameters_after", c.prunedLayersAfter());
    r.put("pruned_layer_fraction_removed", c.prunedLayersRemoved());
    r.put("calibration_loss", s.calibrationLoss());
    r.put("importance_seconds", s.importanceSeconds());
    r.put("prune_seconds", v.pruneSeconds());
    if (!Double.isNaN(v.throughputPerSecond())) {
      r.put("throughput_per_second", v.throughputPerSecond());
      r.put("dense_throughput_per_second", v.denseThroughputPerSecond());
    }
    List<Map<String, Object>> layers = new ArrayList<>();
    Map<Integer, LayerImportance> byLayer = new LinkedHashMap<>();
    for (LayerImportance li : s.importance(io.prunegate.pruner.progress.ProgressListener.NONE)) {
      byLayer.put(li.layer(), li);
    }
    for (LayerPlan p : v.plan().layers()) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("layer", p.layer());
      l.put("kv_group_importance", byLayer.get(p.layer()).kvGroups());
      l.put("kept_kv_groups", p.keptKvGroups());
      l.put("ffn_channels_kept", p.keptFfnChannels().length);
      l.put("kept_ffn_channels", p.keptFfnChannels());
      l.put("ffn_channel_importance", byLayer.get(p.layer()).ffnChannels());
      layers.add(l);
    }
    r.put("layers", layers);
    v.lossCurve()
        .ifPresent(
            curve -> {
              Map<String, Object> lc = new LinkedHashMap<>();
              lc.put("steps", curve.steps());
              lc.put("epoch_means", curve.epochMeans());
              lc.put("seconds", curve.seconds());
              lc.put("lora_parameters", v.loraParameters());
              r.put("recovery", lc);
            });
    return r;
  }
}
