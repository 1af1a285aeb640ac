package io.prunegate.model.importer;

import java.util.Locale;
import java.util.Optional;

/**
 * The default models, shipped as ONNX files plus tokenizers inside Maven Central jars (the
 * langchain4j embedding artifacts) and imported into Hugging Face directories on first use.
 */
public enum DefaultModel {
  BGE_SMALL_EN_V15(
      "bge-small-en-v1.5", "/bge-small-en-v1.5.onnx", "/bge-small-en-v1.5-tokenizer.json"),
  ALL_MINILM_L6_V2(
      "all-MiniLM-L6-v2", "/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json");

  private final String modelName;
  private final String onnxResource;
  private final String tokenizerResource;

  DefaultModel(String modelName, String onnxResource, String tokenizerResource) {
    this.modelName = modelName;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
  }

  /** The model's usual name, e.g. {@code bge-small-en-v1.5}. */
  public String modelName() {
    return modelName;
  }

  String onnxResource() {
    return onnxResource;
  }

  String tokenizerResource() {
    return tokenizerResource;
  }

  /** The default model called {@code name} (case-insensitive), if any. */
  public static Optional<DefaultModel> byName(String name) {
    for (DefaultModel m : values()) {
      if (m.modelName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
