package io.prunegate.pruner.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.runtime.AttentionBlock;
import io.prunegate.model.runtime.FeedForwardBlock;
import io.prunegate.model.runtime.LayerWeights;
import io.prunegate.model.runtime.LoraAdapter;
import io.prunegate.model.runtime.Projection;
import io.prunegate.model.runtime.TransformerWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Attaches LoRA adapters to a model's projections and merges them back. {@code A} starts uniform in
 * ±1/sqrt(in) (PyTorch's Linear initialisation, as PEFT) and {@code B} at zero, so training starts
 * from the unadapted model; merging adds {@code alpha/r * B A} to each weight, after which serving
 * costs nothing extra.
 */
public final class LoraAdapters {

  private LoraAdapters() {}

  /** Weights with adapters attached, and the adapter arrays to train (A and B of each). */
  public record Attached(TransformerWeights weights, List<NDArray> trainable) {}

  /** Attaches adapters per {@code options}; their arrays belong to {@code manager}. */
  public static Attached attach(
      TransformerWeights weights, LoraOptions options, NDManager manager) {
    Random random = new Random(options.seed());
    List<NDArray> trainable = new ArrayList<>();
    List<LayerWeights> layers = new ArrayList<>();
    Set<LoraTarget> t = options.targets();
    for (LayerWeights l : weights.layers()) {
      AttentionBlock a = l.attention();
      if (a != null) {
        a =
            new AttentionBlock(
                adapt(a.q(), t.contains(LoraTarget.Q), options, manager, random, trainable),
                adapt(a.k(), t.contains(LoraTarget.K), options, manager, random, trainable),
                adapt(a.v(), t.contains(LoraTarget.V), options, manager, random, trainable),
                adapt(a.o(), t.contains(LoraTarget.O), options, manager, random, trainable));
      }
      FeedForwardBlock f = l.ffn();
      if (f != null) {
        f =
            new FeedForwardBlock(
                f.gate() == null
                    ? null
                    : adapt(
                        f.gate(), t.contains(LoraTarget.GATE), options, manager, random, trainable),
                adapt(f.up(), t.contains(LoraTarget.UP), options, manager, random, trainable),
                adapt(f.down(), t.contains(LoraTarget.DOWN), options, manager, random, trainable));
      }
      layers.add(l.withAttention(a).withFfn(f));
    }
    for (NDArray p : trainable) {
      p.setRequiresGradient(true);
    }
    return new Attached(weights.withLayers(layers), List.copyOf(trainable));
  }

  /** The weights with every adapter merged in (new weight arrays in the weights' managers). */
  public static TransformerWeights merge(TransformerWeights weights) {
    return merge(weights, null);
  }

  /**
   * The weights with every adapter merged in; the merged arrays are moved to {@code target} when it
   * is not null, so that the source model's manager does not grow.
   */
  public static TransformerWeights merge(TransformerWeights weights, NDManager target) {
    List<LayerWeights> layers = new ArrayList<>();
    for (LayerWeights l : weights.layers()) {
      AttentionBlock a = l.attention();
      if (a != null) {
        a =
            new AttentionBlock(
                merged(a.q(), target),
                merged(a.k(), target),
                merged(a.v(), target),
                merged(a.o(), target));
      }
      FeedForwardBlock f = l.ffn();
      if (f != null) {
        f =
            new FeedForwardBlock(
                f.gate() == null ? null : merged(f.gate(), target),
                merged(f.up(), target),
                merged(f.down(), target));
      }
      layers.add(l.withAttention(a).withFfn(f));
    }
    return weights.withLayers(layers);
  }

  private static Projection merged(Projection p, NDManager target) {
    if (p.lora() == null) {
      return p;
    }
    Projection m = p.merged();
    if (target != null) {
      m.weight().attach(target);
    }
    return m;
  }

  /** Number of adapter parameters (the LoRA budget). */
  public static long parameterCount(List<NDArray> trainable) {
    return trainable.stream().mapToLong(NDArray::size).sum();
  }

  private static Projection adapt(
      Projection p,
      boolean wanted,
      LoraOptions o,
      NDManager m,
      Random random,
      List<NDArray> trainable) {
    if (!wanted) {
      return p;
    }
    int in = (int) p.inFeatures();
    int out = (int) p.outFeatures();
    float[] a = new float[o.rank() * in];
    float bound = (float) (1.0 / Math.sqrt(in));
    for (int i = 0; i < a.length; i++) {
      a[i] = (random.nextFloat() * 2 - 1) * bound;
    }
    NDArray aa = m.create(a, new Shape(o.rank(), in));
    NDArray bb = m.zeros(new Shape(out, o.rank()));
    trainable.add(aa);
    trainable.add(bb);
    return p.withLora(new LoraAdapter(aa, bb, o.scale(), o.dropout()));
  }
}
