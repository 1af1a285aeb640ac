package io.prunegate.pruner.finercut;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.Chip;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.config.Sublayer;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.TransformerWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a FinerCut variant bundle: the model directory with the removed sublayers gone from the
 * weights and the config's per-layer structure, optional chips trained on the pruned backbone, the
 * report, and a manifest recording the method's parameters, structure, calibration data and the
 * whole removal order.
 */
public final class FinerCutVariant {

  /** File name of the report inside a bundle. */
  public static final String REPORT = "finercut-report.md";

  private FinerCutVariant() {}

  /** The variant name for a ratio, e.g. {@code finercut-r25} or {@code finercut-r12.5}. */
  public static String name(double ratio) {
    double pct = 100 * ratio;
    return pct == Math.rint(pct)
        ? "finercut-r" + (int) pct
        : "finercut-r" + String.format(Locale.ROOT, "%.1f", pct);
  }

  /**
   * Writes {@code model} unpruned (nothing removed, no calibration, no chips) into {@code dir}: the
   * backbone a task-aware criterion's reference chip is trained on.
   */
  public static BundleManifest writeUnpruned(LoadedModel model, FinerCutOptions options, Path dir) {
    return write(
        model,
        RemovalOrder.none(model.config().numLayers(), "chip-js"),
        0,
        options,
        Map.of(),
        Optional.empty(),
        dir);
  }

  /**
   * Writes the variant removing the first {@code removals} sublayers of {@code order} into {@code
   * dir} and returns its manifest.
   *
   * @param model the unpruned model the order was found on
   * @param order the search's result
   * @param ratio the fraction of all sublayers removed (names the variant)
   * @param options the search options (recorded)
   * @param calibration what the manifest records about the calibration data
   * @param chips chips trained on the pruned backbone, if any
   * @param dir the bundle directory (created)
   */
  public static BundleManifest write(
      LoadedModel model,
      RemovalOrder order,
      double ratio,
      FinerCutOptions options,
      Map<String, Object> calibration,
      Optional<ChipSet> chips,
      Path dir) {
    Set<Sublayer> removed = order.atRatio(ratio);
    ModelConfig parent = model.config();
    ModelConfig config = SublayerRemoval.config(parent, removed);
    TransformerWeights weights = SublayerRemoval.weights(model.transformer().weights(), removed);
    try {
      Files.createDirectories(dir);
      model.save(dir, config, weights);
      chips.ifPresent(c -> c.write(dir));
      Files.writeString(
          dir.resolve(REPORT),
          FinerCutReport.markdown(order, List.of(ratio)),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir, e);
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("ratio", ratio);
    params.put("removed_sublayers", removed.size());
    params.put("criterion", order.criterion());
    params.put("search_ratio", options.searchRatio());
    params.put("excluded_layers", options.excludedLayers().stream().sorted().toList());
    params.put("attention_only", options.attentionOnly());
    long chipParams = chips.map(ChipSet::parameterCount).orElse(0L);
    List<Integer> chipDepths =
        chips.map(c -> c.chips().stream().map(Chip::depth).toList()).orElse(List.of());
    BundleManifest.Structure structure =
        BundleManifest.Structure.of(
            config,
            weights.parameterCount(),
            parent,
            model.transformer().weights().parameterCount(),
            chipParams,
            chipDepths);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("calibration", calibration);
    BundleManifest manifest =
        new BundleManifest(
            BundleManifest.SCHEMA_VERSION,
            name(ratio),
            "finercut",
            params,
            new BundleManifest.Lineage(
                model.directory().toString(), null, model.directory().getFileName().toString()),
            structure,
            chips.map(ChipSet::labels).orElse(null),
            null,
            null,
            data,
            null,
            details(order, removed));
    return VariantBundle.writeManifest(dir, manifest);
  }

  /** The removal order and the search's cost, for the manifest's details. */
  static Map<String, Object> details(RemovalOrder order, Set<Sublayer> removed) {
    List<Map<String, Object>> steps = new ArrayList<>();
    for (RemovalStep s : order.steps()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", s.step());
      m.put("sublayer", s.removed().toString());
      m.put("divergence", s.divergence());
      steps.add(m);
    }
    FinerCutReport.Mix mix = FinerCutReport.Mix.of(removed);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("removed", removed.stream().map(Sublayer::toString).toList());
    d.put("removed_attention", mix.attention());
    d.put("removed_ffn", mix.ffn());
    d.put("removal_order", steps);
    d.put("sublayer_evaluations", order.sublayerEvaluations());
    d.put("naive_sublayer_evaluations", order.naiveSublayerEvaluations());
    d.put("search_wall_ms", order.wallMillis());
    return d;
  }
}
