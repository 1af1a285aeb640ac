package io.prunegate.model.config;

import java.util.Locale;

/** The transformer families this runtime executes. */
public enum ModelFamily {
  /** Post-norm encoders: bert (bge, MiniLM and e5 checkpoints are bert). */
  BERT,
  /** Pre-norm decoders: llama, mistral, qwen2 (qwen2 adds q/k/v biases). */
  LLAMA;

  /** The family of a config.json {@code model_type}, or {@code null} when unsupported. */
  public static ModelFamily ofModelType(String modelType) {
    if (modelType == null) {
      return null;
    }
    return switch (modelType.toLowerCase(Locale.ROOT)) {
      case "bert" -> BERT;
      case "llama", "mistral", "qwen2" -> LLAMA;
      default -> null;
    };
  }

  /** True for decoders (causal attention, LM head, last-token pooling). */
  public boolean isDecoder() {
    return this == LLAMA;
  }
}
