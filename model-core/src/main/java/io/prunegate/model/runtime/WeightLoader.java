package io.prunegate.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.config.ModelConfigException;
import io.prunegate.model.config.ModelFamily;
import io.prunegate.model.safetensors.SafetensorsException;
import io.prunegate.model.safetensors.TensorSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a model directory's tensors into {@link TransformerWeights}. Each layer's structure is read
 * from the tensor shapes (absent attention or FFN tensors mean a removed sublayer; row counts give
 * heads and width) and must equal the config's declared structure: a pruned model declares its
 * layers in the {@value ModelConfig#LAYERS_KEY} extension, and a config without it declares a dense
 * model, so a missing or renamed tensor is an error naming the tensor and the file, never a
 * different model served in its place.
 */
public final class WeightLoader {

  /** The weights and the config they were checked against. */
  public record Loaded(ModelConfig config, TransformerWeights weights) {}

  private WeightLoader() {}

  public static Loaded load(TensorSource src, ModelConfig declared, NDManager manager) {
    TensorNames names = TensorNames.detect(declared.family(), src.names());
    int d = declared.hiddenSize();
    int hd = declared.headDim();
    boolean bert = declared.family() == ModelFamily.BERT;

    List<LayerStructure> found = new ArrayList<>();
    for (int i = 0; i < declared.numLayers(); i++) {
      found.add(inferLayer(src, names, declared, i));
    }
    for (int i = 0; i < found.size(); i++) {
      if (found.get(i).equals(declared.layer(i))) {
        continue;
      }
      if (declared.isUniform()) {
        // No extension: the model says it is dense, so a missing tensor is damage, not pruning.
        throw denseMismatch(src, names, declared, found.get(i), i);
      }
      throw new ModelConfigException(
          src.directory().resolve(ModelConfig.FILE_NAME),
          ModelConfig.LAYERS_KEY
              + "["
              + i
              + "] declares "
              + declared.layer(i)
              + " but the tensors hold "
              + found.get(i));
    }
    EmbeddingWeights emb;
    NDArray tokens = src.load(manager, names.tokenEmbeddings(), declared.vocabSize(), d);
    if (bert) {
      emb =
          new EmbeddingWeights(
              tokens,
              src.load(manager, names.positionEmbeddings(), declared.maxPositions(), d),
              src.load(manager, names.tokenTypeEmbeddings(), declared.typeVocabSize(), d),
              new Norm(
                  src.load(manager, names.embeddingNorm("weight"), d),
                  src.load(manager, names.embeddingNorm("bias"), d)));
    } else {
      emb = new EmbeddingWeights(tokens, null, null, null);
    }

    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < declared.numLayers(); i++) {
      LayerStructure s = declared.layer(i);
      AttentionBlock attention = null;
      if (s.hasAttention()) {
        int qRows = s.attentionHeads() * hd;
        int kvRows = s.kvHeads() * hd;
        attention =
            new AttentionBlock(
                projection(
                    src,
                    manager,
                    names.attention(i, 'q', "weight"),
                    names.attention(i, 'q', "bias"),
                    declared.qkvBias(),
                    qRows,
                    d),
                projection(
                    src,
                    manager,
                    names.attention(i, 'k', "weight"),
                    names.attention(i, 'k', "bias"),
                    declared.qkvBias(),
                    kvRows,
                    d),
                projection(
                    src,
                    manager,
                    names.attention(i, 'v', "weight"),
                    names.attention(i, 'v', "bias"),
                    declared.qkvBias(),
                    kvRows,
                    d),
                projection(
                    src,
                    manager,
                    names.attention(i, 'o', "weight"),
                    names.attention(i, 'o', "bias"),
                    bert,
                    d,
                    qRows));
      }
      FeedForwardBlock ffn = null;
      if (s.hasFfn()) {
        int w = s.ffnWidth();
        ffn =
            new FeedForwardBlock(
                bert
                    ? null
                    : projection(src, manager, names.ffn(i, "gate", "weight"), null, false, w, d),
                projection(
                    src,
                    manager,
                    names.ffn(i, "up", "weight"),
                    bert ? names.ffn(i, "up", "bias") : null,
                    bert,
                    w,
                    d),
                projection(
                    src,
                    manager,
                    names.ffn(i, "down", "weight"),
                    bert ? names.ffn(i, "down", "bias") : null,
                    bert,
                    d,
                    w));
      }
      layers.add(
          new LayerWeights(
              norm(
                  src,
                  manager,
                  names.attentionNorm(i, "weight"),
                  bert ? names.attentionNorm(i, "bias") : null,
                  d),
              attention,
              norm(
                  src,
                  manager,
                  names.ffnNorm(i, "weight"),
                  bert ? names.ffnNorm(i, "bias") : null,
                  d),
              ffn));
    }
    Norm finalNorm = null;
    NDArray lmHead = null;
    if (!bert) {
      finalNorm = new Norm(src.load(manager, names.finalNorm(), d), null);
      if (src.contains(names.lmHead())) {
        lmHead = src.load(manager, names.lmHead(), declared.vocabSize(), d);
      } else if (declared.tieWordEmbeddings()) {
        lmHead = tokens;
      } else {
        throw new SafetensorsException(
            src.directory(),
            "tensor '" + names.lmHead() + "' not found and embeddings are not tied");
      }
    }
    return new Loaded(declared, new TransformerWeights(emb, layers, finalNorm, lmHead));
  }

  /** The first tensor of layer {@code i} that a dense model of this config lacks or mis-sizes. */
  private static SafetensorsException denseMismatch(
      TensorSource src, TensorNames names, ModelConfig cfg, LayerStructure found, int i) {
    LayerStructure dense = cfg.denseLayer();
    int hd = cfg.headDim();
    String q = names.attention(i, 'q', "weight");
    String k = names.attention(i, 'k', "weight");
    String up = names.ffn(i, "up", "weight");
    String tensor;
    String what;
    if (!found.hasAttention()) {
      tensor = q;
      what = "is missing";
    } else if (found.attentionHeads() != dense.attentionHeads()) {
      tensor = q;
      what =
          "has " + found.attentionHeads() * hd + " rows, expected " + dense.attentionHeads() * hd;
    } else if (found.kvHeads() != dense.kvHeads()) {
      tensor = k;
      what = "has " + found.kvHeads() * hd + " rows, expected " + dense.kvHeads() * hd;
    } else if (!found.hasFfn()) {
      tensor = up;
      what = "is missing";
    } else {
      tensor = up;
      what = "has " + found.ffnWidth() + " rows, expected " + dense.ffnWidth();
    }
    return new SafetensorsException(
        src.location(tensor),
        "layer "
            + i
            + ": tensor '"
            + tensor
            + "' "
            + what
            + " ("
            + ModelConfig.FILE_NAME
            + " declares no "
            + ModelConfig.LAYERS_KEY
            + ", so every layer must be dense)");
  }

  private static LayerStructure inferLayer(
      TensorSource src, TensorNames names, ModelConfig cfg, int i) {
    int hd = cfg.headDim();
    int heads = 0;
    int kv = 0;
    String q = names.attention(i, 'q', "weight");
    if (src.contains(q)) {
      long qRows = src.info(q).shape()[0];
      String k = names.attention(i, 'k', "weight");
      long kRows = src.info(k).shape()[0];
      if (qRows % hd != 0 || kRows % hd != 0) {
        throw new SafetensorsException(
            src.directory(),
            "layer "
                + i
                + ": q/k rows "
                + qRows
                + "/"
                + kRows
                + " are not multiples of head_dim "
                + hd);
      }
      heads = (int) (qRows / hd);
      kv = (int) (kRows / hd);
      if (cfg.family() == ModelFamily.BERT && heads != kv) {
        throw new SafetensorsException(src.directory(), "layer " + i + ": q and k rows differ");
      }
    }
    String up = names.ffn(i, "up", "weight");
    int width = src.contains(up) ? (int) src.info(up).shape()[0] : 0;
    try {
      return new LayerStructure(heads, kv, width);
    } catch (IllegalArgumentException e) {
      throw new SafetensorsException(src.directory(), "layer " + i + ": " + e.getMessage());
    }
  }

  private static Projection projection(
      TensorSource src, NDManager m, String weight, String bias, boolean hasBias, int out, int in) {
    NDArray w = src.load(m, weight, out, in);
    NDArray b = hasBias && bias != null ? src.load(m, bias, out) : null;
    return new Projection(w, b);
  }

  private static Norm norm(TensorSource src, NDManager m, String weight, String bias, int d) {
    return new Norm(src.load(m, weight, d), bias == null ? null : src.load(m, bias, d));
  }
}
