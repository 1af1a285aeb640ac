package io.prunegate.model.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.prunegate.model.config.ForwardFlops;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of a variant bundle: where it came from, what it keeps, how well and
 * how fast it runs, which data made it, and the sha256 of every file.
 *
 * @param schemaVersion manifest schema version ({@link #SCHEMA_VERSION})
 * @param variant a short variant name, e.g. {@code chip-d8} or {@code finercut-r25}
 * @param method {@code base}, {@code chip}, {@code finercut} or {@code llm-pruner}
 * @param parameters the method's parameters as given
 * @param lineage parent model and version
 * @param structure what the variant keeps, and its cost
 * @param labels class labels in chip output order
 * @param evaluation accuracy and its delta against the parent
 * @param latency measured latency on the machine that built it
 * @param data hashes (and sizes) of the training, validation and calibration data
 * @param files sha256 of every other file of the bundle
 * @param details method-specific report data (removal order, loss curves, thresholds)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BundleManifest(
    int schemaVersion,
    String variant,
    String method,
    Map<String, Object> parameters,
    Lineage lineage,
    Structure structure,
    List<String> labels,
    Evaluation evaluation,
    Latency latency,
    Map<String, Object> data,
    Map<String, String> files,
    Map<String, Object> details) {

  public static final int SCHEMA_VERSION = 1;

  /** This manifest with the file hashes replaced. */
  public BundleManifest withFiles(Map<String, String> hashes) {
    return new BundleManifest(
        schemaVersion,
        variant,
        method,
        parameters,
        lineage,
        structure,
        labels,
        evaluation,
        latency,
        data,
        hashes,
        details);
  }

  public BundleManifest withLatency(Latency l) {
    return new BundleManifest(
        schemaVersion,
        variant,
        method,
        parameters,
        lineage,
        structure,
        labels,
        evaluation,
        l,
        data,
        files,
        details);
  }

  public BundleManifest withEvaluation(Evaluation e) {
    return new BundleManifest(
        schemaVersion,
        variant,
        method,
        parameters,
        lineage,
        structure,
        labels,
        e,
        latency,
        data,
        files,
        details);
  }

  /**
   * Lineage.
   *
   * @param parentModel the model the variant was derived from (a registry name or a directory)
   * @param parentVersion its registry version, when registered
   * @param baseModel the original model at the root of the chain
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Lineage(String parentModel, Integer parentVersion, String baseModel) {}

  /**
   * Structure and cost.
   *
   * @param layers layers kept
   * @param parentLayers layers of the parent
   * @param attentionSublayers attention sublayers kept
   * @param ffnSublayers FFN sublayers kept
   * @param attentionHeads query heads kept over all layers
   * @param ffnChannels FFN channels kept over all layers
   * @param parameters backbone parameters (chips excluded)
   * @param parentParameters the parent's backbone parameters
   * @param chipParameters parameters of the chips
   * @param flopsPerToken forward FLOPs per token of the layers the variant runs
   * @param parentFlopsPerToken the same for the parent
   * @param perLayer each layer's heads, kv heads and FFN width
   * @param chipDepths depths carrying chips
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Structure(
      int layers,
      int parentLayers,
      int attentionSublayers,
      int ffnSublayers,
      int attentionHeads,
      long ffnChannels,
      long parameters,
      long parentParameters,
      long chipParameters,
      double flopsPerToken,
      double parentFlopsPerToken,
      List<LayerStructure> perLayer,
      List<Integer> chipDepths) {

    /** Summarises a variant's config against its parent's. */
    public static Structure of(
        ModelConfig variant,
        long parameters,
        ModelConfig parent,
        long parentParameters,
        long chipParameters,
        List<Integer> chipDepths) {
      int heads = variant.layers().stream().mapToInt(LayerStructure::attentionHeads).sum();
      long channels = variant.layers().stream().mapToLong(LayerStructure::ffnWidth).sum();
      return new Structure(
          variant.numLayers(),
          parent.numLayers(),
          variant.attentionSublayers(),
          variant.ffnSublayers(),
          heads,
          channels,
          parameters,
          parentParameters,
          chipParameters,
          ForwardFlops.perToken(variant),
          ForwardFlops.perToken(parent),
          variant.layers(),
          chipDepths);
    }

    /** Fraction of the parent's backbone parameters removed. */
    public double parameterReduction() {
      return parentParameters == 0 ? 0 : 1.0 - (double) parameters / parentParameters;
    }
  }

  /**
   * Evaluation on a labelled split.
   *
   * @param dataset what was evaluated (file name and split)
   * @param examples number of examples
   * @param accuracy the variant's accuracy (early exit on, when it has several chips)
   * @param parentAccuracy the parent's accuracy on the same examples (its full-depth chip)
   * @param accuracyDelta accuracy minus parent accuracy, in points (x100)
   * @param perDepthAccuracy accuracy of the chip at each depth (the chip-tuning curve)
   * @param meanExitDepth average layers run per example with early exit
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Evaluation(
      String dataset,
      int examples,
      Double accuracy,
      Double parentAccuracy,
      Double accuracyDelta,
      Map<Integer, Double> perDepthAccuracy,
      Double meanExitDepth) {}

  /**
   * Latency measured where the variant was built.
   *
   * @param device the device and machine, e.g. {@code cpu (2 cores)}
   * @param threads engine threads
   * @param batch1P50Ms median latency of one example
   * @param batch1P95Ms 95th percentile of one example
   * @param batch32P50Ms median latency of a batch of 32
   * @param batch32P95Ms 95th percentile of a batch of 32
   * @param throughputPerSecond examples per second at batch 32
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Latency(
      String device,
      int threads,
      double batch1P50Ms,
      double batch1P95Ms,
      double batch32P50Ms,
      double batch32P95Ms,
      double throughputPerSecond) {}
}
