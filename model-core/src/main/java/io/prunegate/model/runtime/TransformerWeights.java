package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * All weights of a transformer, family-neutral. {@code finalNorm} and {@code lmHead} exist for
 * decoders only ({@code lmHead} is the token embedding when tied).
 */
public record TransformerWeights(
    EmbeddingWeights embeddings, List<LayerWeights> layers, Norm finalNorm, NDArray lmHead) {

  public TransformerWeights {
    layers = List.copyOf(layers);
  }

  public TransformerWeights withLayer(int index, LayerWeights layer) {
    List<LayerWeights> copy = new ArrayList<>(layers);
    copy.set(index, layer);
    return new TransformerWeights(embeddings, copy, finalNorm, lmHead);
  }

  public TransformerWeights withLayers(List<LayerWeights> newLayers) {
    return new TransformerWeights(embeddings, newLayers, finalNorm, lmHead);
  }

  /** Number of parameters, counting a tied LM head once. */
  public long parameterCount() {
    long n = count(embeddings.tokens()) + count(embeddings.positions());
    n += count(embeddings.tokenTypes()) + count(embeddings.norm());
    for (LayerWeights l : layers) {
      n += count(l.attentionNorm()) + count(l.ffnNorm());
      if (l.attention() != null) {
        n += count(l.attention().q()) + count(l.attention().k());
        n += count(l.attention().v()) + count(l.attention().o());
      }
      if (l.ffn() != null) {
        n += count(l.ffn().gate()) + count(l.ffn().up()) + count(l.ffn().down());
      }
    }
    n += count(finalNorm);
    if (lmHead != null && lmHead != embeddings.tokens()) {
      n += count(lmHead);
    }
    return n;
  }

  private static long count(NDArray a) {
    return a == null ? 0 : a.size();
  }

  private static long count(Norm n) {
    return n == null ? 0 : count(n.weight()) + count(n.bias());
  }

  private static long count(Projection p) {
    return p == null ? 0 : count(p.weight()) + count(p.bias());
  }
}
