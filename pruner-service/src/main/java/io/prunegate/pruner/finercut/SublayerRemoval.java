package io.prunegate.pruner.finercut;

import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.config.Sublayer;
import io.prunegate.model.runtime.LayerWeights;
import io.prunegate.model.runtime.TransformerWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Takes removed sublayers out of a model's structure and weights, so that a variant's files hold
 * only what it runs. The norms of a removed sublayer stay: post-norm blocks still apply their
 * LayerNorm ({@code x -> LN(x)}), pre-norm blocks ignore it.
 */
public final class SublayerRemoval {

  private SublayerRemoval() {}

  /** The per-layer structure with {@code removed} gone. */
  public static ModelConfig config(ModelConfig config, Set<Sublayer> removed) {
    check(config.numLayers(), removed);
    List<LayerStructure> layers = new ArrayList<>(config.layers());
    for (Sublayer s : removed) {
      LayerStructure l = layers.get(s.layer());
      layers.set(
          s.layer(), s.kind() == Sublayer.Kind.ATTENTION ? l.withoutAttention() : l.withoutFfn());
    }
    return config.withLayers(layers);
  }

  /** The weights with the blocks of {@code removed} dropped (arrays are shared, not copied). */
  public static TransformerWeights weights(TransformerWeights weights, Set<Sublayer> removed) {
    check(weights.layers().size(), removed);
    List<LayerWeights> layers = new ArrayList<>(weights.layers());
    for (Sublayer s : removed) {
      LayerWeights l = layers.get(s.layer());
      layers.set(
          s.layer(), s.kind() == Sublayer.Kind.ATTENTION ? l.withAttention(null) : l.withFfn(null));
    }
    return weights.withLayers(layers);
  }

  private static void check(int layers, Set<Sublayer> removed) {
    for (Sublayer s : removed) {
      if (s.layer() >= layers) {
        throw new IllegalArgumentException(s + " is outside a model of " + layers + " layers");
      }
    }
  }
}
