package io.prunegate.pruner.finercut;

import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.chip.ChipKind;
import io.prunegate.pruner.chip.ChipRecipe;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.data.CalibrationText;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.pruner.method.CompressionMethod;
import io.prunegate.pruner.method.CompressionRequest;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * FinerCut as a policy method ({@code "method": "finercut"}). Parameters: {@code ratios} (fractions
 * of all 2L sublayers to remove; default [0.125, 0.25, 0.375]), {@code exclude_layers} (default
 * none), {@code attention_only} (default false), {@code criterion} ({@code auto}, {@code
 * next_token_js}, {@code hidden_angle}; default auto), {@code sequences} and {@code tokens} (the
 * calibration N x T; default by family), the served chips, trained the chip-tuning way by {@link
 * ChipRecipe} with {@code head} ({@code linear} or {@code mlp}), {@code pooling} ({@code cls},
 * {@code mean}, {@code last}), {@code ensemble} and {@code early_exit}, each defaulting as in the
 * chip method, and {@code max_train_examples} (default 4000); {@code baseline} (default true: also
 * a {@code r0} candidate, the unpruned backbone with the same chips), {@code calibration_layout}
 * ({@code stream} or {@code lines}; default lines for chip_js, else stream). The calibration text
 * is the policy's file, or else the training split's texts. With {@code criterion: chip_js}
 * (task-aware) a reference chip is first trained on the unpruned backbone with the job's data, and
 * the search compares the pruned model's chip distributions to it. The removal order is recorded
 * once up to the largest ratio; each candidate {@code r<percent>} is a prefix of it with its chips
 * retrained on the pruned backbone.
 */
public final class FinerCutMethod implements CompressionMethod {

  public static final String NAME = "finercut";

  private static final List<String> KNOWN =
      List.of(
          "ratios",
          "exclude_layers",
          "attention_only",
          "criterion",
          "sequences",
          "tokens",
          "head",
          "pooling",
          "max_train_examples",
          "ensemble",
          "early_exit",
          "baseline",
          "calibration_layout");

  /** The parsed parameters of one policy entry. */
  record Parameters(
      List<Double> ratios,
      Set<Integer> excludedLayers,
      boolean attentionOnly,
      FinerCut.Criterion criterion,
      CalibrationText.Layout layout,
      Optional<Integer> sequences,
      Optional<Integer> tokens,
      ChipKind head,
      Optional<Pooling> pooling,
      int maxTrainExamples,
      int ensemble,
      boolean earlyExit,
      boolean baseline) {

    /** The chip-tuning recipe every candidate's served chips are trained with. */
    ChipTuningOptions chips(long seed, int threads) {
      ChipTuningOptions d = ChipTuningOptions.defaults();
      return new ChipTuningOptions(
          head,
          ensemble,
          pooling,
          d.selection(),
          d.tolerancePoints(),
          earlyExit,
          maxTrainExamples,
          d.batchSize(),
          seed,
          threads);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(MethodSpec spec) {
    parameters(spec);
  }

  static Parameters parameters(MethodSpec spec) {
    MethodSpec.Reader r = spec.reader();
    r.requireOnly(KNOWN);
    List<Double> ratios = r.numbers("ratios", List.of(0.125, 0.25, 0.375), 1e-9, 1);
    Set<Integer> excluded = new HashSet<>();
    for (double d : r.numbers("exclude_layers", List.of(), 0, 10_000)) {
      if (d != Math.rint(d)) {
        throw new PolicyException(r.field("exclude_layers"), "layers are integers, was " + d);
      }
      excluded.add((int) d);
    }
    FinerCut.Criterion criterion;
    try {
      criterion =
          FinerCut.Criterion.valueOf(
              r.text("criterion").orElse("auto").toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new PolicyException(
          r.field("criterion"), "must be auto, next_token_js, hidden_angle or chip_js");
    }
    CalibrationText.Layout layout;
    try {
      layout =
          r.text("calibration_layout")
              .map(CalibrationText.Layout::parse)
              .orElse(FinerCut.defaultLayout(criterion));
    } catch (IllegalArgumentException e) {
      throw new PolicyException(r.field("calibration_layout"), e.getMessage());
    }
    ChipKind head;
    Optional<Pooling> pooling;
    try {
      head = r.text("head").map(ChipKind::parse).orElse(ChipTuningOptions.defaults().head());
    } catch (IllegalArgumentException e) {
      throw new PolicyException(r.field("head"), e.getMessage());
    }
    try {
      pooling = r.text("pooling").map(Pooling::parse);
    } catch (IllegalArgumentException e) {
      throw new PolicyException(r.field("pooling"), e.getMessage());
    }
    Optional<Integer> sequences = optionalInt(r, "sequences", 1, 100_000);
    return new Parameters(
        ratios,
        Set.copyOf(excluded),
        r.bool("attention_only", false),
        criterion,
        layout,
        sequences,
        optionalInt(r, "tokens", 4, 100_000),
        head,
        pooling,
        r.integer("max_train_examples", 4000, 2, 10_000_000),
        r.integer("ensemble", ChipTuningOptions.defaults().ensemble(), 1, 64),
        r.bool("early_exit", ChipTuningOptions.defaults().earlyExit()),
        r.bool("baseline", true));
  }

  private static Optional<Integer> optionalInt(MethodSpec.Reader r, String key, int min, int max) {
    int v = r.integer(key, Integer.MIN_VALUE, min, max);
    return v == Integer.MIN_VALUE ? Optional.empty() : Optional.of(v);
  }

  @Override
  public List<Candidate> compress(CompressionRequest request, ProgressListener progress)
      throws Exception {
    Parameters p = parameters(request.spec());
    double maxRatio = p.ratios().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    FinerCutOptions options =
        FinerCutOptions.defaults()
            .withSearchRatio(maxRatio)
            .withExcludedLayers(p.excludedLayers())
            .withAttentionOnly(p.attentionOnly());
    List<Double> ratios = new ArrayList<>();
    if (p.baseline()) {
      ratios.add(0.0);
    }
    ratios.addAll(p.ratios());
    Path calibrationFile =
        request.calibration().orElse(request.outputDir().resolve("calibration-train-texts.txt"));
    if (request.calibration().isEmpty()) {
      Files.write(calibrationFile, request.data().train().texts(), StandardCharsets.UTF_8);
    }
    ChipRecipe chips = new ChipRecipe(p.chips(request.seed(), request.runtime().threads()));
    List<Path> bundles = new ArrayList<>();
    try (LoadedModel model = LoadedModel.load(request.modelDir(), request.runtime())) {
      for (int layer : p.excludedLayers()) {
        if (layer >= model.config().numLayers()) {
          throw new PolicyException(
              request.spec().reader().field("exclude_layers"),
              "layer "
                  + layer
                  + " is beyond the model's "
                  + model.config().numLayers()
                  + " layers");
        }
      }
      Optional<Path> reference = Optional.empty();
      double searchFrom = 0;
      if (p.criterion() == FinerCut.Criterion.CHIP_JS) {
        // The task-aware criterion compares against the unpruned backbone's own chip.
        Path dir = request.outputDir().resolve("reference-chip");
        FinerCutVariant.writeUnpruned(model, options, dir);
        // The criterion compares distributions of the full-depth chip alone: no exits.
        new ChipRecipe(p.chips(request.seed(), request.runtime().threads()).withEarlyExit(false))
            .apply(dir, request.data(), progress.slice(0, 0.1));
        reference = Optional.of(dir);
        searchFrom = 0.1;
      }
      CalibrationText calibration =
          FinerCut.calibration(model, calibrationFile, p.layout(), p.sequences(), p.tokens());
      RemovalOrder order =
          new FinerCut(options, request.runtime())
              .search(
                  model,
                  calibration,
                  FinerCut.criterion(model, p.criterion(), reference),
                  progress.slice(searchFrom, 0.6));
      for (double r : ratios) {
        Path dir = request.outputDir().resolve(FinerCutVariant.name(r));
        FinerCutVariant.write(
            model, order, r, options, calibration.describe(), Optional.empty(), dir);
        bundles.add(dir);
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < ratios.size(); i++) {
      double from = 0.6 + 0.4 * i / ratios.size();
      double to = 0.6 + 0.4 * (i + 1) / ratios.size();
      chips.apply(bundles.get(i), request.data(), progress.slice(from, to));
      String role = FinerCutVariant.name(ratios.get(i)).substring("finercut-".length());
      out.add(new Candidate(role, bundles.get(i), ratios.get(i) == 0));
    }
    return out;
  }
}
