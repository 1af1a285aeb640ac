package io.prunegate.pruner.finercut;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.config.ModelFamily;
import io.prunegate.model.config.Sublayer;
import io.prunegate.model.runtime.AttentionContext;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.ForwardOutput;
import io.prunegate.model.runtime.HiddenState;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FinerCut's greedy search: every self-attention and FFN sublayer is a candidate; each step
 * evaluates every remaining candidate together with the sublayers already removed and removes the
 * one whose removal changes the output least (no fine-tuning). The whole order is recorded once.
 *
 * <p>With {@link FinerCutOptions.Evaluation#CACHED} each step runs the current model once over the
 * calibration batches and keeps the residual stream entering every sublayer; a candidate then runs
 * only from its own sublayer onwards, since nothing before it can change. {@link
 * FinerCutOptions.Evaluation#NAIVE} runs a full forward per candidate and is the reference for that
 * shortcut.
 */
public final class GreedyRemoval {

  private static final Logger LOG = LoggerFactory.getLogger(GreedyRemoval.class);

  private final Transformer model;
  private final NDManager modelManager;
  private final List<TokenBatch> batches;
  private final OutputCriterion criterion;
  private final FinerCutOptions options;
  private final int sublayers;
  private final boolean packed;
  private long evaluations;

  /**
   * @param model the transformer to prune (inference mode)
   * @param modelManager the manager owning its weights; every batch runs in a sub-manager of it
   * @param batches the calibration batches (right-padded rows are allowed)
   * @param criterion how output change is measured
   * @param options candidates, search length and evaluation mode
   */
  public GreedyRemoval(
      Transformer model,
      NDManager modelManager,
      List<TokenBatch> batches,
      OutputCriterion criterion,
      FinerCutOptions options) {
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("no calibration batches");
    }
    this.model = model;
    this.modelManager = modelManager;
    this.batches = List.copyOf(batches);
    this.criterion = criterion;
    this.options = options;
    this.sublayers = 2 * model.config().numLayers();
    // BERT inference works on packed valid-token rows; LLaMA on the padded layout.
    this.packed = model.config().family() == ModelFamily.BERT && !model.training();
  }

  /** Runs the search, reporting progress per candidate evaluated. */
  public RemovalOrder run(ProgressListener progress) {
    long started = System.nanoTime();
    evaluations = 0;
    int layers = model.config().numLayers();
    List<Sublayer> remaining = new ArrayList<>(options.candidates(layers));
    if (remaining.isEmpty()) {
      throw new IllegalArgumentException("every layer is excluded: no candidate to remove");
    }
    int target =
        Math.min(remaining.size(), FinerCutOptions.removals(options.searchRatio(), layers));
    long totalEvaluations = 0;
    for (int s = 0; s < target; s++) {
      totalEvaluations += remaining.size() - s;
    }
    long naive = sublayers + totalEvaluations * sublayers;
    List<RemovalStep> steps = new ArrayList<>();
    Set<Sublayer> removed = new LinkedHashSet<>();
    long done = 0;
    try (NDManager referenceScope = modelManager.newSubManager()) {
      List<NDArray> references = new ArrayList<>();
      long rows = 0;
      for (TokenBatch batch : batches) {
        try (NDManager m = referenceScope.newSubManager()) {
          HiddenState s = model.embed(m, batch);
          for (int k = 0; k < sublayers; k++) {
            s = apply(k, s, false);
          }
          NDArray ref = criterion.prepare(model, m, s);
          ref.attach(referenceScope);
          references.add(ref);
          rows += ref.getShape().get(0);
        }
      }
      evaluations += sublayers;
      for (int step = 1; step <= target; step++) {
        Map<Sublayer, Double> divergences = new LinkedHashMap<>();
        try (NDManager stepScope = modelManager.newSubManager()) {
          StepCache cache =
              options.evaluation() == FinerCutOptions.Evaluation.CACHED
                  ? currentActivations(stepScope, removed)
                  : null;
          for (Sublayer candidate : remaining) {
            double sum = 0;
            for (int b = 0; b < batches.size(); b++) {
              NDArray ref = references.get(b);
              sum +=
                  cache == null
                      ? naiveDivergence(b, ref, removed, candidate)
                      : cachedDivergence(
                          cache.entering().get(b),
                          cache.contexts().get(b),
                          ref,
                          removed,
                          candidate);
            }
            evaluations += cache == null ? sublayers : sublayers - candidate.executionIndex();
            divergences.put(candidate, sum / rows);
            done++;
            progress.update(
                (double) done / totalEvaluations,
                "step " + step + "/" + target + ": evaluated " + candidate);
          }
        }
        Sublayer best = null;
        for (Sublayer c : remaining) {
          if (best == null || divergences.get(c) < divergences.get(best)) {
            best = c;
          }
        }
        removed.add(best);
        remaining.remove(best);
        steps.add(new RemovalStep(step, best, divergences.get(best), divergences));
        LOG.info(
            "FinerCut step {}/{}: removed {} (divergence {})",
            step,
            target,
            best,
            String.format("%.6g", divergences.get(best)));
      }
    }
    long wall = (System.nanoTime() - started) / 1_000_000L;
    return new RemovalOrder(layers, criterion.name(), steps, evaluations, naive, wall);
  }

  /** Per batch: the residual stream entering each sublayer, and the batch's attention context. */
  private record StepCache(List<NDArray[]> entering, List<AttentionContext> contexts) {}

  /**
   * One forward of the current model (with {@code removed} gone) per batch, keeping the residual
   * stream entering every sublayer (index = execution index) in {@code scope}.
   */
  private StepCache currentActivations(NDManager scope, Set<Sublayer> removed) {
    List<NDArray[]> cache = new ArrayList<>();
    List<AttentionContext> contexts = new ArrayList<>();
    for (TokenBatch batch : batches) {
      NDArray[] entering = new NDArray[sublayers];
      HiddenState s = model.embed(scope, batch);
      AttentionContext ctx = s.context();
      entering[0] = form(s);
      for (int k = 0; k + 1 < sublayers; k++) {
        try (NDManager m = scope.newSubManager()) {
          m.tempAttachAll(entering[k]);
          NDArray next = form(apply(k, state(entering[k], ctx), removed.contains(sublayer(k))));
          next.attach(scope);
          entering[k + 1] = next;
        }
      }
      cache.add(entering);
      contexts.add(ctx);
    }
    evaluations += sublayers - 1;
    return new StepCache(cache, contexts);
  }

  /** A candidate's divergence sum on one batch, from the cached input of its sublayer. */
  private double cachedDivergence(
      NDArray[] entering,
      AttentionContext ctx,
      NDArray reference,
      Set<Sublayer> removed,
      Sublayer candidate) {
    int start = candidate.executionIndex();
    try (NDManager m = modelManager.newSubManager()) {
      // Temporarily owned by this scope, so that everything computed from them is freed with it.
      m.tempAttachAll(entering[start], reference);
      HiddenState s = apply(start, state(entering[start], ctx), true);
      for (int k = start + 1; k < sublayers; k++) {
        s = apply(k, s, removed.contains(sublayer(k)));
      }
      return criterion.divergenceSum(reference, criterion.prepare(model, m, s));
    }
  }

  /** A candidate's divergence sum on one batch from a full forward with it removed. */
  private double naiveDivergence(
      int batch, NDArray reference, Set<Sublayer> removed, Sublayer candidate) {
    Set<Sublayer> all = new HashSet<>(removed);
    all.add(candidate);
    try (NDManager m = modelManager.newSubManager()) {
      m.tempAttachAll(reference);
      ForwardOutput out =
          Forward.run(
              model,
              m,
              batches.get(batch),
              ForwardOptions.full(model.config().numLayers()).withRemoved(all));
      HiddenState last = new HiddenState(out.residual(), out.context());
      return criterion.divergenceSum(reference, criterion.prepare(model, m, last));
    }
  }

  private HiddenState apply(int executionIndex, HiddenState s, boolean removed) {
    int layer = executionIndex / 2;
    return executionIndex % 2 == 0
        ? model.attention(layer, s, removed)
        : model.feedForward(layer, s, removed);
  }

  private static Sublayer sublayer(int executionIndex) {
    int layer = executionIndex / 2;
    return executionIndex % 2 == 0 ? Sublayer.attention(layer) : Sublayer.ffn(layer);
  }

  private NDArray form(HiddenState s) {
    return packed ? s.packed() : s.hidden();
  }

  private HiddenState state(NDArray rows, AttentionContext ctx) {
    return packed ? HiddenState.ofPacked(rows, ctx) : new HiddenState(rows, ctx);
  }
}
