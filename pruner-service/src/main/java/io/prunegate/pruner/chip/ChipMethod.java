package io.prunegate.pruner.chip;

import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.pruner.method.CompressionMethod;
import io.prunegate.pruner.method.CompressionRequest;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chip-tuning as a policy method ({@code "method": "chip"}), run by {@link ChipTuner}. Parameters:
 * {@code selection} ({@code tolerance=<points>}, {@code layer=<depth>} or {@code ratio=<fraction
 * removed>}; default {@code tolerance=1.0}), {@code head} ({@code linear} or {@code mlp}; default
 * {@code mlp}), {@code ensemble} (chips per layer merged from consecutive seeds; default 5), {@code
 * pooling} ({@code cls}, {@code mean}, {@code last}; default: chosen on validation), {@code
 * early_exit} (default true), {@code max_train_examples} (default 8000), {@code batch_size}
 * (default 32). Candidates: {@code full} (the baseline: full depth, chip on the last layer), {@code
 * truncated} (layers after the selected one removed) and {@code early-exit} (chips at several
 * depths, when enabled).
 */
public final class ChipMethod implements CompressionMethod {

  public static final String NAME = "chip";

  private static final List<String> KNOWN =
      List.of(
          "selection",
          "head",
          "ensemble",
          "pooling",
          "early_exit",
          "max_train_examples",
          "batch_size");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(MethodSpec spec) {
    options(spec, 0, 0);
  }

  /** The tuner options the entry describes; errors name the field. */
  public static ChipTuningOptions options(MethodSpec spec, long seed, int threads) {
    MethodSpec.Reader r = spec.reader();
    r.requireOnly(KNOWN);
    ChipTuningOptions d = ChipTuningOptions.defaults();
    LayerSelection selection = selection(r.text("selection").orElse("tolerance=1.0"), r);
    double tolerance =
        selection instanceof LayerSelection.Shallowest s
            ? s.tolerancePoints()
            : d.tolerancePoints();
    ChipKind head;
    try {
      head = r.text("head").map(ChipKind::parse).orElse(d.head());
    } catch (IllegalArgumentException e) {
      throw new PolicyException(r.field("head"), e.getMessage());
    }
    Optional<Pooling> pooling;
    try {
      pooling = r.text("pooling").map(Pooling::parse);
    } catch (IllegalArgumentException e) {
      throw new PolicyException(r.field("pooling"), e.getMessage());
    }
    return new ChipTuningOptions(
        head,
        r.integer("ensemble", d.ensemble(), 1, 64),
        pooling,
        selection,
        tolerance,
        r.bool("early_exit", d.earlyExit()),
        r.integer("max_train_examples", d.maxTrainExamples(), 2, 10_000_000),
        r.integer("batch_size", d.batchSize(), 1, 4096),
        seed,
        threads);
  }

  private static LayerSelection selection(String text, MethodSpec.Reader r) {
    int eq = text.indexOf('=');
    String field = r.field("selection");
    if (eq < 0) {
      throw new PolicyException(
          field, "'" + text + "' must be tolerance=<points>, layer=<depth> or ratio=<fraction>");
    }
    String kind = text.substring(0, eq).strip();
    String value = text.substring(eq + 1).strip();
    try {
      return switch (kind) {
        case "tolerance" -> new LayerSelection.Shallowest(Double.parseDouble(value));
        case "layer" -> new LayerSelection.Fixed(Integer.parseInt(value));
        case "ratio" -> new LayerSelection.TargetRatio(Double.parseDouble(value));
        default ->
            throw new PolicyException(
                field, "unknown selection '" + kind + "' (tolerance=, layer=, ratio=)");
      };
    } catch (NumberFormatException e) {
      throw new PolicyException(field, "'" + value + "' is not a number in '" + text + "'");
    } catch (PolicyException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new PolicyException(field, e.getMessage());
    }
  }

  @Override
  public List<Candidate> compress(CompressionRequest request, ProgressListener progress) {
    ChipTuningOptions options =
        options(request.spec(), request.seed(), request.runtime().threads());
    ChipTuningResult result;
    try {
      result =
          new ChipTuner(options, ChipTrainer.Settings.defaults(), request.latencyIterations())
              .tune(request.modelDir(), request.data(), request.outputDir(), progress);
    } catch (IllegalArgumentException e) {
      if (options.selection() instanceof LayerSelection.Fixed && e.getMessage().contains("layer")) {
        // a layer beyond the model's depth only shows once the model is known
        throw new PolicyException(request.spec().reader().field("selection"), e.getMessage());
      }
      throw e;
    }
    List<Candidate> out = new ArrayList<>();
    out.add(new Candidate("full", result.fullDepthBundle(), true));
    out.add(new Candidate("truncated", result.truncatedBundle(), false));
    result.earlyExitBundle().ifPresent(p -> out.add(new Candidate("early-exit", p, false)));
    return out;
  }
}
