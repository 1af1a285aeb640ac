package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.config.Sublayer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a {@link Transformer} over a batch as {@link ForwardOptions} say. */
public final class Forward {

  private Forward() {}

  /** One forward pass; every array it creates belongs to {@code manager}. */
  public static ForwardOutput run(
      Transformer model, NDManager manager, TokenBatch batch, ForwardOptions options) {
    int layers = model.config().numLayers();
    if (options.depth() < 1 || options.depth() > layers) {
      throw new IllegalArgumentException("depth " + options.depth() + " outside 1.." + layers);
    }
    HiddenState s = model.embed(manager, batch);
    Map<Integer, NDArray> captured = new LinkedHashMap<>();
    if (options.captureDepths().contains(0)) {
      captured.put(0, s.hidden());
    }
    for (int i = 0; i < options.depth(); i++) {
      s = model.attention(i, s, options.removed().contains(Sublayer.attention(i)));
      s = model.feedForward(i, s, options.removed().contains(Sublayer.ffn(i)));
      if (options.captureDepths().contains(i + 1)) {
        captured.put(i + 1, s.hidden());
      }
    }
    NDArray finalHidden = null;
    NDArray logits = null;
    if (options.finalHidden() || options.logits()) {
      finalHidden = model.finalHidden(s.hidden());
    }
    if (options.logits()) {
      logits = model.logits(finalHidden);
    }
    return new ForwardOutput(s.hidden(), captured, finalHidden, logits, s.context());
  }
}
