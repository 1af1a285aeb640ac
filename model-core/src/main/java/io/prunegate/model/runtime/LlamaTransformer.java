package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.config.ModelFamily;

/**
 * LLaMA-family decoder (llama, mistral, qwen2), pre-norm: per layer {@code x = x +
 * Attn(RMSNorm(x))}, {@code x = x + SwiGLU(RMSNorm(x))}, then a final RMSNorm and the LM head.
 * Rotate-half RoPE at positions 0..T-1; grouped-query attention where query head {@code h} uses kv
 * head {@code h / (heads / kvHeads)}; causal and padding masks (and mistral's sliding window).
 */
public final class LlamaTransformer implements Transformer {

  private final ModelConfig config;
  private final TransformerWeights weights;
  private final boolean training;
  private final NDArray[] fusedGateUp;

  public LlamaTransformer(ModelConfig config, TransformerWeights weights, boolean training) {
    if (config.family() != ModelFamily.LLAMA) {
      throw new IllegalArgumentException("not a LLaMA-family config: " + config.modelType());
    }
    this.config = config;
    this.weights = weights;
    this.training = training;
    fusedGateUp = new NDArray[config.numLayers()];
    if (!training) {
      for (int i = 0; i < config.numLayers(); i++) {
        FeedForwardBlock f = weights.layers().get(i).ffn();
        if (f != null && f.gate().lora() == null && f.up().lora() == null) {
          fusedGateUp[i] = NDArrays.concat(new NDList(f.gate().weight(), f.up().weight()), 0);
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
    NDArray ids = batch.idsArray(m);
    NDArray x =
        Embedding.embedding(ids, weights.embeddings().tokens(), SparseFormat.DENSE)
            .singletonOrThrow();
    float[] valid = batch.maskValues();
    float[] bias = new float[b * t * t];
    int window = config.slidingWindow();
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          boolean visible = j <= i && valid[r * t + j] > 0 && (window <= 0 || i - j < window);
          bias[(r * t + i) * t + j] = visible ? 0f : AttentionContext.MASKED;
        }
      }
    }
    int hd = config.headDim();
    float[] cos = new float[t * hd];
    float[] sin = new float[t * hd];
    int half = hd / 2;
    for (int i = 0; i < half; i++) {
      // As Hugging Face: inverse frequencies in float32, angles position * inv_freq in float32.
      float invFreq = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / hd));
      for (int p = 0; p < t; p++) {
        float angle = p * invFreq;
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[p * hd + i] = c;
        cos[p * hd + i + half] = c;
        sin[p * hd + i] = s;
        sin[p * hd + i + half] = s;
      }
    }
    AttentionContext ctx =
        new AttentionContext(
            m.create(bias, new Shape(b, 1, t, t)),
            m.create(valid, new Shape(b, t)),
            m.create(cos, new Shape(t, hd)),
            m.create(sin, new Shape(t, hd)),
            batch.lengths().clone(),
            AttentionContext.validIndex(m, batch.lengths(), t));
    return new HiddenState(x, ctx);
  }

  @Override
  public HiddenState attention(int layer, HiddenState state, boolean removed) {
    LayerWeights l = weights.layers().get(layer);
    if (removed || l.attention() == null) {
      return state; // pre-norm: the residual passes through unchanged
    }
    NDArray x = state.hidden();
    LayerStructure s = config.layer(layer);
    int heads = s.attentionHeads();
    int kv = s.kvHeads();
    int hd = config.headDim();
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray h = rmsNorm(x, l.attentionNorm());
    AttentionBlock a = l.attention();
    NDArray q = a.q().apply(h, training).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
    NDArray k = a.k().apply(h, training).reshape(b, t, kv, hd).transpose(0, 2, 1, 3);
    NDArray v = a.v().apply(h, training).reshape(b, t, kv, hd).transpose(0, 2, 1, 3);
    AttentionContext ctx = state.context();
    q = rope(q, ctx);
    k = rope(k, ctx);
    if (heads != kv) {
      k = k.repeat(1, heads / kv);
      v = v.repeat(1, heads / kv);
    }
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(hd));
    scores = training ? scores.add(ctx.maskBias()) : scores.addi(ctx.maskBias());
    NDArray attn =
        scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * hd);
    return state.withHidden(x.add(a.o().apply(attn, training)));
  }

  @Override
  public HiddenState feedForward(int layer, HiddenState state, boolean removed) {
    LayerWeights l = weights.layers().get(layer);
    if (removed || l.ffn() == null) {
      return state;
    }
    NDArray x = state.hidden();
    NDArray h = rmsNorm(x, l.ffnNorm());
    NDArray gate;
    NDArray up;
    if (fusedGateUp[layer] != null) {
      NDList parts = Linear.linear(h, fusedGateUp[layer]).singletonOrThrow().split(2, 2);
      gate = parts.get(0);
      up = parts.get(1);
    } else {
      gate = l.ffn().gate().apply(h, training);
      up = l.ffn().up().apply(h, training);
    }
    NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
    return state.withHidden(x.add(l.ffn().down().apply(act, training)));
  }

  @Override
  public NDArray finalHidden(NDArray residual) {
    return rmsNorm(residual, weights.finalNorm());
  }

  @Override
  public NDArray logits(NDArray finalHidden) {
    return Linear.linear(finalHidden, weights.lmHead()).singletonOrThrow();
  }

  private NDArray rmsNorm(NDArray x, Norm n) {
    NDArray rms = x.square().mean(new int[] {-1}, true).add(config.normEps()).sqrt();
    return x.div(rms).mul(n.weight());
  }

  /** Rotate-half RoPE: {@code x * cos + rotate_half(x) * sin}. */
  private NDArray rope(NDArray x, AttentionContext ctx) {
    int half = config.headDim() / 2;
    NDArray x1 = x.get("..., 0:" + half);
    NDArray x2 = x.get("..., " + half + ":");
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
    return x.mul(ctx.ropeCos()).add(rotated.mul(ctx.ropeSin()));
  }
}
