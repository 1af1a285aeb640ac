package io.prunegate.model.config;

/** Floating-point operations of a forward pass (multiply-add = 2 FLOPs), for GFLOP/s figures. */
public final class ForwardFlops {

  private ForwardFlops() {}

  /** FLOPs of running {@code depth} layers over {@code batch} rows of {@code seqLen} tokens. */
  public static double of(ModelConfig c, int depth, int batch, int seqLen) {
    double tokens = (double) batch * seqLen;
    double d = c.hiddenSize();
    double flops = 0;
    for (int i = 0; i < depth; i++) {
      LayerStructure l = c.layer(i);
      if (l.hasAttention()) {
        double q = (double) l.attentionHeads() * c.headDim();
        double kv = (double) l.kvHeads() * c.headDim();
        flops += 2 * tokens * d * (q + 2 * kv) + 2 * tokens * q * d; // q/k/v and output
        flops += 2 * 2 * batch * (double) seqLen * seqLen * q; // scores and weighted sum
      }
      if (l.hasFfn()) {
        int mats = c.family().isDecoder() ? 3 : 2;
        flops += 2 * tokens * d * l.ffnWidth() * mats;
      }
    }
    return flops;
  }

  /**
   * FLOPs per token of the whole model at a typical length (linear layers only, as papers count).
   */
  public static double perToken(ModelConfig c) {
    return of(c, c.numLayers(), 1, 1);
  }
}
