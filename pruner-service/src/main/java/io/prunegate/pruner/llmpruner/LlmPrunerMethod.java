package io.prunegate.pruner.llmpruner;

import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.chip.ChipKind;
import io.prunegate.pruner.chip.ChipRecipe;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.lora.LoraOptions;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.pruner.method.CompressionMethod;
import io.prunegate.pruner.method.CompressionRequest;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * LLM-Pruner as a policy method ({@code "method": "llm-pruner"}): importance from the task loss of
 * a last-layer chip on the policy's training split, one candidate per ratio ({@code r20}, ...),
 * each recovered with LoRA unless {@code recover} is false. Parameters: {@code ratios} (default
 * [0.2]), {@code estimator} (element, vector, second; default element), {@code aggregation} (sum,
 * mean, max; default sum), {@code calibration_samples} (default 256), {@code recover} (default
 * true), {@code lora_rank} (8), {@code lora_alpha} (16), {@code lora_dropout} (0.05), {@code
 * lora_learning_rate} (1e-3), {@code epochs} (1), {@code max_train_examples} (2000), {@code
 * pooling} (cls, mean, last; the importance chip's default mean). Every candidate's served chips
 * are retrained on its pruned backbone the chip-tuning way ({@link ChipRecipe}): {@code head},
 * {@code ensemble}, {@code early_exit} and the pooling default as in the chip method.
 */
public final class LlmPrunerMethod implements CompressionMethod {

  public static final String NAME = "llm-pruner";

  private static final List<String> KNOWN =
      List.of(
          "ratios",
          "estimator",
          "aggregation",
          "calibration_samples",
          "recover",
          "lora_rank",
          "lora_alpha",
          "lora_dropout",
          "lora_learning_rate",
          "epochs",
          "max_train_examples",
          "pooling",
          "head",
          "ensemble",
          "early_exit");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void validate(MethodSpec spec) {
    options(spec, 42L);
    chipOptions(spec, 42L, 0);
    ratios(spec);
  }

  private static List<Double> ratios(MethodSpec spec) {
    return spec.reader().numbers("ratios", List.of(0.2), 0.0, 0.95);
  }

  /** The options the entry describes; errors name the field. */
  static LlmPrunerOptions options(MethodSpec spec, long seed) {
    MethodSpec.Reader r = spec.reader();
    r.requireOnly(KNOWN);
    LlmPrunerOptions d = LlmPrunerOptions.defaults();
    ImportanceEstimator estimator =
        parse(r, "estimator", d.estimator(), ImportanceEstimator::parse);
    GroupAggregation aggregation =
        parse(r, "aggregation", d.aggregation(), GroupAggregation::parse);
    Pooling pooling = parse(r, "pooling", d.pooling(), Pooling::parse);
    LoraOptions l = LoraOptions.defaults();
    LoraOptions lora =
        new LoraOptions(
            r.integer("lora_rank", l.rank(), 1, 1024),
            (float) r.number("lora_alpha", l.alpha(), 1e-6, 1e6),
            (float) r.number("lora_dropout", l.dropout(), 0, 0.9),
            l.targets(),
            (float) r.number("lora_learning_rate", l.learningRate(), 1e-7, 1),
            l.headLearningRate(),
            r.integer("epochs", l.epochs(), 1, 100),
            l.batchSize(),
            0,
            seed);
    return new LlmPrunerOptions(
        d.ratio(),
        List.of(),
        estimator,
        aggregation,
        r.integer("calibration_samples", 256, 1, 1_000_000),
        d.calibrationTokens(),
        d.batchSize(),
        r.bool("recover", true),
        lora,
        pooling,
        r.integer("max_train_examples", 2000, 2, 10_000_000));
  }

  /**
   * The chip-tuning recipe of the served chips: {@code head}, {@code ensemble} and {@code
   * early_exit} default as in the chip method, {@code pooling} too unless given (then it is the
   * importance chip's as well), on {@code max_train_examples} examples.
   */
  static ChipTuningOptions chipOptions(MethodSpec spec, long seed, int threads) {
    MethodSpec.Reader r = spec.reader();
    ChipTuningOptions d = ChipTuningOptions.defaults();
    return new ChipTuningOptions(
        parse(r, "head", d.head(), ChipKind::parse),
        r.integer("ensemble", d.ensemble(), 1, 64),
        r.text("pooling").isPresent()
            ? Optional.of(parse(r, "pooling", Pooling.MEAN, Pooling::parse))
            : Optional.empty(),
        d.selection(),
        d.tolerancePoints(),
        r.bool("early_exit", d.earlyExit()),
        r.integer("max_train_examples", 2000, 2, 10_000_000),
        d.batchSize(),
        seed,
        threads);
  }

  private static <T> T parse(
      MethodSpec.Reader r, String key, T fallback, java.util.function.Function<String, T> f) {
    try {
      return r.text(key).map(f).orElse(fallback);
    } catch (IllegalArgumentException e) {
      throw new PolicyException(r.field(key), e.getMessage());
    }
  }

  @Override
  public List<Candidate> compress(CompressionRequest request, ProgressListener progress) {
    LlmPrunerOptions options = options(request.spec(), request.seed());
    List<Double> ratios = ratios(request.spec());
    PruningTask task =
        PruningTask.Classification.split(
            TaskData.of(request.data().train()),
            options.recoveryExamples(),
            TaskData.of(request.data().validation()),
            request.data().train().name());
    ChipRecipe chips =
        new ChipRecipe(chipOptions(request.spec(), request.seed(), request.runtime().threads()));
    List<Candidate> out = new ArrayList<>();
    try (LlmPrunerSession s =
        LlmPrunerSession.open(
            request.modelDir(), task, options, request.runtime(), progress.slice(0, 0.1))) {
      for (int i = 0; i < ratios.size(); i++) {
        double ratio = ratios.get(i);
        String role = String.format(Locale.ROOT, "r%02d", Math.round(ratio * 100));
        ProgressListener p =
            progress.slice(0.1 + 0.9 * i / ratios.size(), 0.1 + 0.9 * (i + 1) / ratios.size());
        try (PrunedVariant v = s.prune(ratio, options.recover(), p)) {
          Path dir = request.outputDir().resolve(role);
          LlmPrunerBundle.write(s, v, dir);
          // The served chips are the chip-tuning recipe's, as every method's: the linear chip
          // that ranked the groups and scored the variant is the method's own instrument.
          chips.apply(dir, request.data(), ProgressListener.NONE);
          out.add(new Candidate(role, dir, false));
        }
      }
    }
    return out;
  }
}
