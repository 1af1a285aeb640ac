package io.prunegate.model.runtime;

import io.prunegate.model.config.ModelFamily;
import java.util.Set;

/**
 * Hugging Face tensor names of each weight, per family. BERT checkpoints saved from a task model
 * carry a {@code bert.} prefix; it is detected from the names present.
 */
public final class TensorNames {

  private final ModelFamily family;
  private final String prefix;

  private TensorNames(ModelFamily family, String prefix) {
    this.family = family;
    this.prefix = prefix;
  }

  /** Names for {@code family}, with the prefix found among {@code present}. */
  public static TensorNames detect(ModelFamily family, Set<String> present) {
    if (family == ModelFamily.BERT) {
      return new TensorNames(
          family, present.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "");
    }
    return new TensorNames(family, "model.");
  }

  /** The canonical names written by this runtime. */
  public static TensorNames canonical(ModelFamily family) {
    return new TensorNames(family, family == ModelFamily.BERT ? "" : "model.");
  }

  public String tokenEmbeddings() {
    return family == ModelFamily.BERT
        ? prefix + "embeddings.word_embeddings.weight"
        : prefix + "embed_tokens.weight";
  }

  public String positionEmbeddings() {
    return prefix + "embeddings.position_embeddings.weight";
  }

  public String tokenTypeEmbeddings() {
    return prefix + "embeddings.token_type_embeddings.weight";
  }

  public String embeddingNorm(String part) {
    return prefix + "embeddings.LayerNorm." + part;
  }

  public String finalNorm() {
    return prefix + "norm.weight";
  }

  public String lmHead() {
    return "lm_head.weight";
  }

  /** Attention projection {@code which} (q, k, v, o), {@code part} weight or bias. */
  public String attention(int layer, char which, String part) {
    if (family == ModelFamily.BERT) {
      String base = prefix + "encoder.layer." + layer + ".attention.";
      return switch (which) {
        case 'q' -> base + "self.query." + part;
        case 'k' -> base + "self.key." + part;
        case 'v' -> base + "self.value." + part;
        case 'o' -> base + "output.dense." + part;
        default -> throw new IllegalArgumentException("projection " + which);
      };
    }
    return prefix + "layers." + layer + ".self_attn." + which + "_proj." + part;
  }

  /** FFN projection {@code which} (gate, up, down), {@code part} weight or bias. */
  public String ffn(int layer, String which, String part) {
    if (family == ModelFamily.BERT) {
      String base = prefix + "encoder.layer." + layer + ".";
      return switch (which) {
        case "up" -> base + "intermediate.dense." + part;
        case "down" -> base + "output.dense." + part;
        default -> throw new IllegalArgumentException("bert has no " + which + " projection");
      };
    }
    return prefix + "layers." + layer + ".mlp." + which + "_proj." + part;
  }

  /** The norm that goes with the attention sublayer (pre-norm input, or BERT's post-norm). */
  public String attentionNorm(int layer, String part) {
    return family == ModelFamily.BERT
        ? prefix + "encoder.layer." + layer + ".attention.output.LayerNorm." + part
        : prefix + "layers." + layer + ".input_layernorm." + part;
  }

  /** The norm that goes with the FFN sublayer. */
  public String ffnNorm(int layer, String part) {
    return family == ModelFamily.BERT
        ? prefix + "encoder.layer." + layer + ".output.LayerNorm." + part
        : prefix + "layers." + layer + ".post_attention_layernorm." + part;
  }
}
