package io.prunegate.pruner.finercut;

import io.prunegate.model.config.Sublayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the greedy search considers and how far it goes.
 *
 * @param searchRatio how far to record the removal order, as a fraction of all 2L sublayers (1 =
 *     every eligible candidate); every variant ratio must be at most this
 * @param excludedLayers layers whose sublayers are never removed
 * @param attentionOnly consider attention sublayers only
 * @param evaluation cached (reuse the current model's activations) or naive (full forwards)
 * @param batchSize calibration sequences per forward batch
 */
public record FinerCutOptions(
    double searchRatio,
    Set<Integer> excludedLayers,
    boolean attentionOnly,
    Evaluation evaluation,
    int batchSize) {

  /** How a candidate's output is computed. */
  public enum Evaluation {
    /**
     * From the cached residual stream entering the candidate's sublayer (one forward of the current
     * model per step): only the sublayers from the candidate onwards run.
     */
    CACHED,
    /** A full forward of the model with the candidate removed: the reference for the cache. */
    NAIVE
  }

  public FinerCutOptions {
    if (!(searchRatio > 0 && searchRatio <= 1)) {
      throw new IllegalArgumentException("search ratio must be in (0, 1], got " + searchRatio);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    excludedLayers = Set.copyOf(excludedLayers);
  }

  /** The full removal order, every layer eligible, cached evaluation, batches of 8. */
  public static FinerCutOptions defaults() {
    return new FinerCutOptions(1.0, Set.of(), false, Evaluation.CACHED, 8);
  }

  public FinerCutOptions withSearchRatio(double ratio) {
    return new FinerCutOptions(ratio, excludedLayers, attentionOnly, evaluation, batchSize);
  }

  public FinerCutOptions withEvaluation(Evaluation e) {
    return new FinerCutOptions(searchRatio, excludedLayers, attentionOnly, e, batchSize);
  }

  public FinerCutOptions withExcludedLayers(Set<Integer> layers) {
    return new FinerCutOptions(searchRatio, layers, attentionOnly, evaluation, batchSize);
  }

  public FinerCutOptions withAttentionOnly(boolean only) {
    return new FinerCutOptions(searchRatio, excludedLayers, only, evaluation, batchSize);
  }

  /** The candidates of a model of {@code layers} layers, in execution order. */
  public List<Sublayer> candidates(int layers) {
    List<Sublayer> out = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      if (excludedLayers.contains(i)) {
        continue;
      }
      out.add(Sublayer.attention(i));
      if (!attentionOnly) {
        out.add(Sublayer.ffn(i));
      }
    }
    return out;
  }

  /** Number of removals for {@code ratio} of all 2L sublayers (rounded to the nearest). */
  public static int removals(double ratio, int layers) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
    }
    return (int) Math.round(ratio * 2 * layers);
  }
}
