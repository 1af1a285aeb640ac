package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.config.ModelFamily;

/**
 * BERT-family encoder (post-norm): embeddings + LayerNorm, then per layer {@code x = LN(x +
 * Attn(x))}, {@code x = LN(x + FFN(x))} with exact GELU. For inference the q/k/v projections of
 * each layer are fused into one matrix multiplication.
 */
public final class BertTransformer implements Transformer {

  private final ModelConfig config;
  private final TransformerWeights weights;
  private final boolean training;
  private final NDArray[] fusedQkvWeight;
  private final NDArray[] fusedQkvBias;

  /**
   * @param training true to run LoRA dropout and keep q/k/v unfused (gradients reach each of them)
   */
  public BertTransformer(ModelConfig config, TransformerWeights weights, boolean training) {
    if (config.family() != ModelFamily.BERT) {
      throw new IllegalArgumentException("not a BERT config: " + config.modelType());
    }
    this.config = config;
    this.weights = weights;
    this.training = training;
    int n = config.numLayers();
    fusedQkvWeight = new NDArray[n];
    fusedQkvBias = new NDArray[n];
    if (!training) {
      for (int i = 0; i < n; i++) {
        AttentionBlock a = weights.layers().get(i).attention();
        if (a != null && a.q().lora() == null && a.k().lora() == null && a.v().lora() == null) {
          // The softmax scale 1/sqrt(d) is folded into the query rows: one op less per layer.
          double scale = 1.0 / Math.sqrt(config.headDim());
          fusedQkvWeight[i] =
              NDArrays.concat(
                  new NDList(a.q().weight().mul(scale), a.k().weight(), a.v().weight()), 0);
          fusedQkvBias[i] =
              NDArrays.concat(new NDList(a.q().bias().mul(scale), a.k().bias(), a.v().bias()), 0);
        }
      }
    }
  }

  @Override
  public ModelConfig config() {
    return config;
  }

  @Override
  public TransformerWeights weights() {
    return weights;
  }

  @Override
  public boolean training() {
    return training;
  }

  @Override
  public HiddenState embed(NDManager m, TokenBatch batch) {
    int b = batch.batchSize();
    int t = batch.seqLen();
    if (t > config.maxPositions()) {
      throw new IllegalArgumentException(
          "sequence of " + t + " tokens exceeds max_position_embeddings " + config.maxPositions());
    }
    EmbeddingWeights e = weights.embeddings();
    NDArray ids = batch.idsArray(m);
    NDArray x = Embedding.embedding(ids, e.tokens(), SparseFormat.DENSE).singletonOrThrow();
    x = x.add(e.positions().get(m, new NDIndex("0:" + t)));
    // Single-segment input: token type 0 everywhere.
    x = x.add(e.tokenTypes().get(m, new NDIndex("0")));
    x = layerNorm(x, e.norm());
    float[] valid = batch.maskValues();
    boolean padded = false;
    float[] bias = new float[valid.length];
    for (int i = 0; i < valid.length; i++) {
      bias[i] = valid[i] > 0 ? 0f : AttentionContext.MASKED;
      padded |= valid[i] == 0;
    }
    AttentionContext ctx =
        new AttentionContext(
            padded ? m.create(bias, new Shape(b, 1, 1, t)) : null,
            m.create(valid, new Shape(b, t)),
            null,
            null,
            batch.lengths().clone());
    return new HiddenState(x, ctx);
  }

  @Override
  public HiddenState attention(int layer, HiddenState state, boolean removed) {
    LayerWeights l = weights.layers().get(layer);
    NDArray x = state.hidden();
    if (removed || l.attention() == null) {
      return state.withHidden(layerNorm(x, l.attentionNorm()));
    }
    LayerStructure s = config.layer(layer);
    int heads = s.attentionHeads();
    int hd = config.headDim();
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray q;
    NDArray k;
    NDArray v;
    if (fusedQkvWeight[layer] != null) {
      NDArray qkv = Linear.linear(x, fusedQkvWeight[layer], fusedQkvBias[layer]).singletonOrThrow();
      qkv = qkv.reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
      q = qkv.get(0);
      k = qkv.get(1);
      v = qkv.get(2);
    } else {
      AttentionBlock a = l.attention();
      q =
          a.q()
              .apply(x, training)
              .mul(1.0 / Math.sqrt(hd))
              .reshape(b, t, heads, hd)
              .transpose(0, 2, 1, 3);
      k = a.k().apply(x, training).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
      v = a.v().apply(x, training).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
    }
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    NDArray mask = state.context().maskBias();
    if (mask != null) {
      scores = training ? scores.add(mask) : scores.addi(mask);
    }
    NDArray ctx =
        scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * hd);
    NDArray out = l.attention().o().apply(ctx, training);
    return state.withHidden(layerNorm(residual(out, x), l.attentionNorm()));
  }

  @Override
  public HiddenState feedForward(int layer, HiddenState state, boolean removed) {
    LayerWeights l = weights.layers().get(layer);
    NDArray x = state.hidden();
    if (removed || l.ffn() == null) {
      return state.withHidden(layerNorm(x, l.ffnNorm()));
    }
    NDArray h = Activation.gelu(l.ffn().up().apply(x, training));
    NDArray out = l.ffn().down().apply(h, training);
    return state.withHidden(layerNorm(residual(out, x), l.ffnNorm()));
  }

  @Override
  public NDArray finalHidden(NDArray residual) {
    return residual;
  }

  @Override
  public NDArray logits(NDArray finalHidden) {
    throw new UnsupportedOperationException("BERT encoders have no LM head");
  }

  /** {@code out + x}; in place at inference ({@code out} is a fresh array nobody else holds). */
  private NDArray residual(NDArray out, NDArray x) {
    return training ? out.add(x) : out.addi(x);
  }

  private NDArray layerNorm(NDArray x, Norm n) {
    return LayerNorm.layerNorm(
            x, new Shape(config.hiddenSize()), n.weight(), n.bias(), (float) config.normEps())
        .singletonOrThrow();
  }
}
