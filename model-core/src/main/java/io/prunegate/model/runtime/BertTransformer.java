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
            batch.lengths().clone(),
            padded ? AttentionContext.validIndex(m, batch.lengths(), t) : null);
    return new HiddenState(x, ctx);
  }

  @Override
  public HiddenState attention(int layer, HiddenState state, boolean removed) {
    LayerWeights l = weights.layers().get(layer);
    if (removed || l.attention() == null) {
      return training
          ? state.withHidden(layerNorm(state.hidden(), l.attentionNorm()))
          : state.withPacked(layerNorm(state.packed(), l.attentionNorm()));
    }
    return training ? attentionTraining(layer, l, state) : attentionPacked(layer, l, state);
  }

  /**
   * Inference: projections, residual and LayerNorm run on the packed valid tokens; only the
   * attention core needs the padded layout, so q/k/v are scattered into it and the context gathered
   * back.
   */
  private HiddenState attentionPacked(int layer, LayerWeights l, HiddenState state) {
    AttentionContext c = state.context();
    int heads = config.layer(layer).attentionHeads();
    int hd = config.headDim();
    long b = c.batchSize();
    long t = c.seqLen();
    NDArray x = state.packed();
    NDArray qkv;
    if (fusedQkvWeight[layer] != null) {
      qkv = Linear.linear(x, fusedQkvWeight[layer], fusedQkvBias[layer]).singletonOrThrow();
    } else {
      AttentionBlock a = l.attention();
      qkv =
          NDArrays.concat(
              new NDList(
                  a.q().apply(x, false).mul(1.0 / Math.sqrt(hd)),
                  a.k().apply(x, false),
                  a.v().apply(x, false)),
              1);
    }
    NDArray index = c.validIndex();
    if (index != null) {
      NDArray full = x.getManager().zeros(new Shape(b * t, qkv.getShape().get(1)));
      full.set(new NDIndex("{}", index), qkv);
      qkv = full;
    }
    qkv = qkv.reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
    NDArray scores = qkv.get(0).matMul(qkv.get(1).transpose(0, 1, 3, 2));
    if (c.maskBias() != null) {
      scores = scores.addi(c.maskBias());
    }
    NDArray ctx =
        scores
            .softmax(-1)
            .matMul(qkv.get(2))
            .transpose(0, 2, 1, 3)
            .reshape(b * t, (long) heads * hd);
    if (index != null) {
      ctx = ctx.get(new NDIndex("{}", index));
    }
    NDArray out = l.attention().o().apply(ctx, false).addi(x);
    return state.withPacked(layerNorm(out, l.attentionNorm()));
  }

  /** Training: padded layout, unfused projections, no in-place ops (autograd sees every step). */
  private HiddenState attentionTraining(int layer, LayerWeights l, HiddenState state) {
    NDArray x = state.hidden();
    int heads = config.layer(layer).attentionHeads();
    int hd = config.headDim();
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    AttentionBlock a = l.attention();
    NDArray q =
        a.q()
            .apply(x, true)
            .mul(1.0 / Math.sqrt(hd))
            .reshape(b, t, heads, hd)
            .transpose(0, 2, 1, 3);
    NDArray k = a.k().apply(x, true).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
    NDArray v = a.v().apply(x, true).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    NDArray mask = state.context().maskBias();
    if (mask != null) {
      scores = scores.add(mask);
    }
    NDArray ctx =
        scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * hd);
    NDArray out = a.o().apply(ctx, true);
    return state.withHidden(layerNorm(out.add(x), l.attentionNorm()));
  }

  @Override
  public HiddenState feedForward(int layer, HiddenState state, boolean removed) {
    LayerWeights l = weights.layers().get(layer);
    if (training) {
      NDArray x = state.hidden();
      if (removed || l.ffn() == null) {
        return state.withHidden(layerNorm(x, l.ffnNorm()));
      }
      NDArray h = Activation.gelu(l.ffn().up().apply(x, true));
      return state.withHidden(layerNorm(l.ffn().down().apply(h, true).add(x), l.ffnNorm()));
    }
    NDArray x = state.packed();
    if (removed || l.ffn() == null) {
      return state.withPacked(layerNorm(x, l.ffnNorm()));
    }
    NDArray h = Activation.gelu(l.ffn().up().apply(x, false));
    NDArray out = l.ffn().down().apply(h, false).addi(x);
    return state.withPacked(layerNorm(out, l.ffnNorm()));
  }

  @Override
  public NDArray finalHidden(NDArray residual) {
    return residual;
  }

  @Override
  public NDArray logits(NDArray finalHidden) {
    throw new UnsupportedOperationException("BERT encoders have no LM head");
  }

  private NDArray layerNorm(NDArray x, Norm n) {
    return LayerNorm.layerNorm(
            x, new Shape(config.hiddenSize()), n.weight(), n.bias(), (float) config.normEps())
        .singletonOrThrow();
  }
}
