package io.prunegate.model.runtime;

import io.prunegate.model.config.Sublayer;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a forward pass computes.
 *
 * @param depth layers to run (1..L; the pass stops after this many: early exit)
 * @param captureDepths depths whose residual stream to return (0 = embeddings output)
 * @param removed sublayers to skip with the family's removal semantics (FinerCut candidates)
 * @param finalHidden whether to compute the model's final hidden states (decoders: final norm)
 * @param logits whether to compute LM logits (decoders)
 */
public record ForwardOptions(
    int depth,
    Set<Integer> captureDepths,
    Set<Sublayer> removed,
    boolean finalHidden,
    boolean logits) {

  public ForwardOptions {
    captureDepths = Set.copyOf(captureDepths);
    removed = Set.copyOf(removed);
  }

  /** All layers, final hidden states only. */
  public static ForwardOptions full(int layers) {
    return new ForwardOptions(layers, Set.of(), Set.of(), true, false);
  }

  /** Stop after {@code depth} layers; return the residual stream there. */
  public static ForwardOptions toDepth(int depth) {
    return new ForwardOptions(depth, Set.of(depth), Set.of(), false, false);
  }

  /** All layers, residual stream captured after every layer (and the embeddings). */
  public static ForwardOptions everyLayer(int layers) {
    Set<Integer> all = new TreeSet<>();
    for (int i = 0; i <= layers; i++) {
      all.add(i);
    }
    return new ForwardOptions(layers, all, Set.of(), true, false);
  }

  public ForwardOptions withLogits() {
    return new ForwardOptions(depth, captureDepths, removed, true, true);
  }

  public ForwardOptions withRemoved(Set<Sublayer> sublayers) {
    return new ForwardOptions(depth, captureDepths, sublayers, finalHidden, logits);
  }
}
