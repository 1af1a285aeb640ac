package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.config.ModelFamily;
import io.prunegate.model.safetensors.SafetensorsWriter;
import io.prunegate.model.safetensors.TensorSource;
import java.nio.file.Path;

/**
 * Writes weights and config back as a Hugging Face directory ({@code config.json} and {@code
 * model.safetensors}, canonical tensor names), so that pruned variants are ordinary model
 * directories. Removed sublayers have no tensors; uniform models stay loadable by Hugging Face.
 */
public final class WeightWriter {

  private WeightWriter() {}

  /**
   * Writes {@code weights} under {@code config} into {@code dir}. {@code originalConfig} (may be
   * null) supplies the keys this runtime does not model, such as token ids and architectures.
   */
  public static void write(
      Path dir, ModelConfig config, TransformerWeights weights, ObjectNode originalConfig) {
    if (weights.layers().size() != config.numLayers()) {
      throw new IllegalArgumentException(
          weights.layers().size() + " layers of weights for a config of " + config.numLayers());
    }
    boolean bert = config.family() == ModelFamily.BERT;
    TensorNames n = TensorNames.canonical(config.family());
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    EmbeddingWeights e = weights.embeddings();
    w.put(n.tokenEmbeddings(), e.tokens());
    if (bert) {
      w.put(n.positionEmbeddings(), e.positions());
      w.put(n.tokenTypeEmbeddings(), e.tokenTypes());
      w.put(n.embeddingNorm("weight"), e.norm().weight());
      w.put(n.embeddingNorm("bias"), e.norm().bias());
    }
    for (int i = 0; i < config.numLayers(); i++) {
      LayerWeights l = weights.layers().get(i);
      if (l.attention() != null) {
        put(w, n.attention(i, 'q', "weight"), n.attention(i, 'q', "bias"), l.attention().q());
        put(w, n.attention(i, 'k', "weight"), n.attention(i, 'k', "bias"), l.attention().k());
        put(w, n.attention(i, 'v', "weight"), n.attention(i, 'v', "bias"), l.attention().v());
        put(w, n.attention(i, 'o', "weight"), n.attention(i, 'o', "bias"), l.attention().o());
      }
      if (l.ffn() != null) {
        if (l.ffn().gate() != null) {
          put(w, n.ffn(i, "gate", "weight"), null, l.ffn().gate());
        }
        put(w, n.ffn(i, "up", "weight"), bert ? n.ffn(i, "up", "bias") : null, l.ffn().up());
        put(w, n.ffn(i, "down", "weight"), bert ? n.ffn(i, "down", "bias") : null, l.ffn().down());
      }
      putNorm(w, n.attentionNorm(i, "weight"), n.attentionNorm(i, "bias"), l.attentionNorm());
      putNorm(w, n.ffnNorm(i, "weight"), n.ffnNorm(i, "bias"), l.ffnNorm());
    }
    if (!bert) {
      w.put(n.finalNorm(), weights.finalNorm().weight());
      if (weights.lmHead() != e.tokens() || !config.tieWordEmbeddings()) {
        w.put(n.lmHead(), weights.lmHead());
      }
    }
    w.write(dir.resolve(TensorSource.SINGLE_FILE));
    config.write(dir, originalConfig);
  }

  private static void put(SafetensorsWriter w, String weight, String bias, Projection p) {
    Projection merged = p.merged();
    w.put(weight, merged.weight());
    if (merged.bias() != null) {
      w.put(bias, merged.bias());
    }
  }

  private static void putNorm(SafetensorsWriter w, String weight, String bias, Norm norm) {
    w.put(weight, norm.weight());
    NDArray b = norm.bias();
    if (b != null) {
      w.put(bias, b);
    }
  }
}
