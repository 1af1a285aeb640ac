package io.prunegate.pruner.finercut;

import io.prunegate.model.config.Sublayer;
import java.util.Map;

/**
 * One greedy step: the sublayer removed, the model's divergence from the original once it (and
 * every earlier one) is gone, and every candidate's divergence at this step.
 *
 * @param step 1-based step number
 * @param removed the sublayer removed at this step
 * @param divergence mean divergence from the original with all removals up to this step
 * @param candidates each remaining candidate's divergence at this step (sorted by sublayer)
 */
public record RemovalStep(
    int step, Sublayer removed, double divergence, Map<Sublayer, Double> candidates) {

  public RemovalStep {
    candidates = Map.copyOf(candidates);
  }
}
