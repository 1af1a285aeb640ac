package io.prunegate.pruner.finercut;

import io.prunegate.model.chip.Chip;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.config.ModelFamily;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.CalibrationText;
import io.prunegate.pruner.progress.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * FinerCut end to end: loads a model, reads its calibration text, records the greedy removal order
 * once, and writes one variant bundle per requested ratio (each a prefix of the order) with the
 * report beside them.
 */
public final class FinerCut {

  /** Which output criterion the search uses. */
  public enum Criterion {
    /** Next-token JS for decoders, final-hidden angular distance for encoders. */
    AUTO,
    /** Jensen-Shannon divergence of next-token distributions (decoders). */
    NEXT_TOKEN_JS,
    /** Angular distance of final hidden states (any model). */
    HIDDEN_ANGLE,
    /** Jensen-Shannon divergence of a full-depth chip's class distributions (task-aware). */
    CHIP_JS
  }

  /**
   * What a run produced.
   *
   * @param order the removal order
   * @param bundles the variant bundle of each ratio
   * @param report the report file
   * @param calibration the calibration data used
   */
  public record Result(
      RemovalOrder order, Map<Double, Path> bundles, Path report, CalibrationText calibration) {}

  private final FinerCutOptions options;
  private final RuntimeOptions runtime;

  public FinerCut(FinerCutOptions options, RuntimeOptions runtime) {
    this.options = options;
    this.runtime = runtime;
  }

  /**
   * Reads calibration text for {@code model}: {@code n} sequences of {@code tokens} tokens, or the
   * family's defaults (10 x 256 for decoders, 64 x 128 for encoders) when absent.
   */
  public static CalibrationText calibration(
      LoadedModel model, Path file, Optional<Integer> n, Optional<Integer> tokens) {
    return calibration(model, file, CalibrationText.Layout.STREAM, n, tokens);
  }

  /**
   * Reads calibration text for {@code model} in {@code layout}. Defaults when absent: STREAM 10 x
   * 256 for decoders and 64 x 128 for encoders; LINES 256 lines of at most 128 tokens.
   */
  public static CalibrationText calibration(
      LoadedModel model,
      Path file,
      CalibrationText.Layout layout,
      Optional<Integer> n,
      Optional<Integer> tokens) {
    boolean encoder = model.config().family() == ModelFamily.BERT;
    boolean lines = layout == CalibrationText.Layout.LINES;
    int count =
        n.orElse(
            lines
                ? CalibrationText.LINES_N
                : encoder ? CalibrationText.ENCODER_N : CalibrationText.DECODER_N);
    int t =
        tokens.orElse(
            lines
                ? CalibrationText.LINES_T
                : encoder ? CalibrationText.ENCODER_T : CalibrationText.DECODER_T);
    if (t > model.config().maxPositions()) {
      throw new IllegalArgumentException(
          t + " calibration tokens exceed the model's " + model.config().maxPositions());
    }
    var tokenizer =
        model
            .tokenizer()
            .orElseThrow(
                () -> new IllegalArgumentException(model.directory() + ": no tokenizer.json"));
    return lines
        ? CalibrationText.lines(file, tokenizer, count, t)
        : CalibrationText.read(file, tokenizer, count, t);
  }

  /**
   * The layout a criterion reads by default: LINES for the chip criterion (its chip classifies one
   * input at a time, as in serving), STREAM for the others.
   */
  public static CalibrationText.Layout defaultLayout(Criterion criterion) {
    return criterion == Criterion.CHIP_JS
        ? CalibrationText.Layout.LINES
        : CalibrationText.Layout.STREAM;
  }

  /** The criterion of {@code kind} for {@code model}; the chip one reads {@code chipBundle}. */
  public static OutputCriterion criterion(
      LoadedModel model, Criterion kind, Optional<Path> chipBundle) {
    return switch (kind) {
      case AUTO -> OutputCriterion.defaultFor(model.transformer());
      case NEXT_TOKEN_JS -> {
        if (model.config().family() == ModelFamily.BERT) {
          throw new IllegalArgumentException(
              "next-token JS needs a decoder with an LM head; " + model.directory() + " is BERT");
        }
        yield new OutputCriterion.NextTokenJensenShannon();
      }
      case HIDDEN_ANGLE -> new OutputCriterion.FinalHiddenAngle();
      case CHIP_JS -> {
        Path dir =
            chipBundle.orElseThrow(
                () -> new IllegalArgumentException("the chip criterion needs a chip bundle"));
        ChipSet chips = ChipSet.read(dir, model.manager());
        int depth = model.config().numLayers();
        Chip chip =
            chips
                .at(depth)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            dir.resolve(ChipSet.FILE_NAME)
                                + ": no chip at the full depth "
                                + depth
                                + " (has depths "
                                + chips.chips().stream().map(Chip::depth).toList()
                                + ")"));
        yield new OutputCriterion.ChipJensenShannon(chip, chips.pooling());
      }
    };
  }

  /** Records the removal order of {@code model} on {@code calibration}. */
  public RemovalOrder search(
      LoadedModel model,
      CalibrationText calibration,
      OutputCriterion criterion,
      ProgressListener progress) {
    return new GreedyRemoval(
            model.transformer(),
            model.manager(),
            calibration.batches(options.batchSize()),
            criterion,
            options)
        .run(progress);
  }

  /**
   * Loads {@code modelDir}, searches, and writes under {@code outputDir} one bundle per ratio
   * (named as {@link FinerCutVariant#name}) and {@value FinerCutVariant#REPORT}.
   */
  public Result run(
      Path modelDir,
      Path calibrationFile,
      Optional<CalibrationText.Layout> layout,
      Optional<Integer> sequences,
      Optional<Integer> tokens,
      Criterion criterion,
      Optional<Path> chipBundle,
      List<Double> ratios,
      Path outputDir,
      ProgressListener progress) {
    for (double r : ratios) {
      if (r < 0 || r > options.searchRatio() + 1e-12) {
        throw new IllegalArgumentException(
            "ratio " + r + " is outside [0, search ratio " + options.searchRatio() + "]");
      }
    }
    try (LoadedModel model = LoadedModel.load(modelDir, runtime)) {
      CalibrationText calibration =
          calibration(
              model, calibrationFile, layout.orElse(defaultLayout(criterion)), sequences, tokens);
      RemovalOrder order =
          search(
              model, calibration, criterion(model, criterion, chipBundle), progress.slice(0, 0.95));
      Map<Double, Path> bundles = new LinkedHashMap<>();
      for (double r : ratios) {
        Path dir = outputDir.resolve(FinerCutVariant.name(r));
        FinerCutVariant.write(
            model, order, r, options, calibration.describe(), Optional.empty(), dir);
        bundles.put(r, dir);
      }
      Path report = outputDir.resolve(FinerCutVariant.REPORT);
      Files.createDirectories(outputDir);
      Files.writeString(report, FinerCutReport.markdown(order, ratios), StandardCharsets.UTF_8);
      progress.update(1, "wrote " + bundles.size() + " variant(s)");
      return new Result(order, bundles, report, calibration);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write under " + outputDir, e);
    }
  }
}
