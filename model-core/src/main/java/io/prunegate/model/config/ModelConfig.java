package io.prunegate.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.model.ModelJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A model's architecture as read from a Hugging Face {@code config.json}, plus its per-layer
 * structure. Uniform models keep the standard keys; pruned, non-uniform models add the extension
 * key {@value #LAYERS_KEY} (one {@code {attention_heads, kv_heads, ffn_width}} object per layer)
 * that this runtime reads and writes. Unknown keys of the original file are kept when writing back.
 *
 * @param family the transformer family
 * @param modelType the {@code model_type} string (bert, llama, mistral, qwen2)
 * @param hiddenSize model width
 * @param numHeads attention heads of the dense model
 * @param numKvHeads kv heads of the dense model (GQA); equal to numHeads otherwise
 * @param headDim width of one head
 * @param intermediateSize FFN width of the dense model
 * @param vocabSize vocabulary size
 * @param maxPositions maximum sequence length (position embeddings, or RoPE's trained range)
 * @param normEps LayerNorm / RMSNorm epsilon
 * @param ropeTheta RoPE base (decoders)
 * @param typeVocabSize token type vocabulary (BERT)
 * @param tieWordEmbeddings whether the LM head reuses the token embedding (decoders)
 * @param qkvBias whether q/k/v projections have biases (BERT, qwen2, or attention_bias)
 * @param slidingWindow attention window of mistral-style models, or 0 for full attention
 * @param padTokenId the padding token id
 * @param layers the structure of each layer, in order
 */
public record ModelConfig(
    ModelFamily family,
    String modelType,
    int hiddenSize,
    int numHeads,
    int numKvHeads,
    int headDim,
    int intermediateSize,
    int vocabSize,
    int maxPositions,
    double normEps,
    double ropeTheta,
    int typeVocabSize,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    int slidingWindow,
    int padTokenId,
    List<LayerStructure> layers) {

  /** The config.json extension key holding per-layer structure. */
  public static final String LAYERS_KEY = "prunegate_layers";

  public static final String FILE_NAME = "config.json";

  public ModelConfig {
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one layer");
    }
  }

  /** Number of layers. */
  public int numLayers() {
    return layers.size();
  }

  public LayerStructure layer(int index) {
    return layers.get(index);
  }

  /** The dense structure every layer of this architecture starts with. */
  public LayerStructure denseLayer() {
    return new LayerStructure(numHeads, numKvHeads, intermediateSize);
  }

  /** True when every layer has the dense structure (no extension key needed). */
  public boolean isUniform() {
    LayerStructure dense = denseLayer();
    return layers.stream().allMatch(dense::equals);
  }

  /** The same architecture with other layers. */
  public ModelConfig withLayers(List<LayerStructure> newLayers) {
    return new ModelConfig(
        family,
        modelType,
        hiddenSize,
        numHeads,
        numKvHeads,
        headDim,
        intermediateSize,
        vocabSize,
        maxPositions,
        normEps,
        ropeTheta,
        typeVocabSize,
        tieWordEmbeddings,
        qkvBias,
        slidingWindow,
        padTokenId,
        newLayers);
  }

  /** The first {@code depth} layers only (chip-tuning truncation). */
  public ModelConfig truncatedTo(int depth) {
    if (depth < 1 || depth > numLayers()) {
      throw new IllegalArgumentException("depth " + depth + " outside 1.." + numLayers());
    }
    return withLayers(layers.subList(0, depth));
  }

  /** Total attention heads, FFN channels and sublayers kept. */
  public int attentionSublayers() {
    return (int) layers.stream().filter(LayerStructure::hasAttention).count();
  }

  public int ffnSublayers() {
    return (int) layers.stream().filter(LayerStructure::hasFfn).count();
  }

  /**
   * Reads {@code config.json} in {@code dir}; per-layer structure from the extension key, if any.
   */
  public static ModelConfig read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    ObjectNode root = readJson(file);
    try {
      return parse(file, root);
    } catch (IllegalArgumentException e) {
      // A structure the values make impossible (heads not a multiple of kv heads, ...).
      throw new ModelConfigException(file, e.getMessage(), e);
    }
  }

  /** The raw JSON of {@code config.json} in {@code dir}. */
  public static ObjectNode readJson(Path file) {
    JsonNode node;
    try {
      node = ModelJson.mapper().readTree(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new ModelConfigException(file, "file not found");
    } catch (IOException e) {
      throw new ModelConfigException(file, "not valid JSON: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new ModelConfigException(file, "not a JSON object");
    }
    return (ObjectNode) node;
  }

  static ModelConfig parse(Path file, ObjectNode root) {
    String modelType = text(file, root, "model_type", null);
    ModelFamily family = ModelFamily.ofModelType(modelType);
    if (family == null) {
      throw new ModelConfigException(
          file,
          "unknown architecture model_type='"
              + modelType
              + "' (supported: bert, llama, mistral, qwen2)");
    }
    int hidden = positive(file, root, "hidden_size");
    int heads = positive(file, root, "num_attention_heads");
    int layersCount = positive(file, root, "num_hidden_layers");
    int kvHeads =
        family == ModelFamily.BERT ? heads : intOr(file, root, "num_key_value_heads", heads);
    int headDim = intOr(file, root, "head_dim", hidden / heads);
    if (family == ModelFamily.BERT && hidden % heads != 0) {
      throw new ModelConfigException(
          file, "hidden_size " + hidden + " not divisible by heads " + heads);
    }
    int intermediate = positive(file, root, "intermediate_size");
    int vocab = positive(file, root, "vocab_size");
    int maxPos =
        intOr(file, root, "max_position_embeddings", family == ModelFamily.BERT ? 512 : 4096);
    // Required although Hugging Face has a default: every config it writes states it, and a
    // renamed or dropped key would silently serve another model (found by BundleFuzzTest).
    String epsKey = family == ModelFamily.BERT ? "layer_norm_eps" : "rms_norm_eps";
    if (present(root, epsKey) == null) {
      throw new ModelConfigException(file, "'" + epsKey + "' is required");
    }
    double eps = doubleOr(file, root, epsKey, Double.NaN);
    if (!(eps > 0 && eps < 1)) {
      throw new ModelConfigException(file, "'" + epsKey + "' must be in (0, 1), was " + eps);
    }
    double theta = doubleOr(file, root, "rope_theta", 10000.0);
    JsonNode scaling = root.get("rope_scaling");
    if (family == ModelFamily.LLAMA && scaling != null && !scaling.isNull()) {
      if (!scaling.isObject()) {
        throw wrongType(file, "rope_scaling", "an object", scaling);
      }
      String type =
          text(
              file,
              (ObjectNode) scaling,
              "rope_type",
              text(file, (ObjectNode) scaling, "type", ""));
      if (!type.equals("default")) {
        throw new ModelConfigException(file, "rope_scaling type '" + type + "' is not supported");
      }
    }
    String act = text(file, root, "hidden_act", family == ModelFamily.BERT ? "gelu" : "silu");
    if (family == ModelFamily.BERT && !act.equals("gelu")) {
      throw new ModelConfigException(
          file, "hidden_act '" + act + "' is not supported for bert (gelu)");
    }
    if (family == ModelFamily.LLAMA && !act.equals("silu")) {
      throw new ModelConfigException(file, "hidden_act '" + act + "' is not supported (silu)");
    }
    boolean qkvBias =
        family == ModelFamily.BERT
            || "qwen2".equals(modelType)
            || boolOr(file, root, "attention_bias", false);
    if (family == ModelFamily.LLAMA && boolOr(file, root, "mlp_bias", false)) {
      throw new ModelConfigException(file, "mlp_bias=true is not supported");
    }
    int window = 0;
    if ("mistral".equals(modelType) || "qwen2".equals(modelType)) {
      boolean useWindow =
          !"qwen2".equals(modelType) || boolOr(file, root, "use_sliding_window", false);
      if (useWindow) {
        window = intOr(file, root, "sliding_window", 0);
      }
    }
    boolean tie =
        boolOr(file, root, "tie_word_embeddings", family == ModelFamily.LLAMA ? false : true);
    LayerStructure dense = new LayerStructure(heads, kvHeads, intermediate);
    List<LayerStructure> layers = new ArrayList<>(Collections.nCopies(layersCount, dense));
    JsonNode ext = root.get(LAYERS_KEY);
    if (ext != null && !ext.isNull()) {
      if (!ext.isArray() || ext.size() != layersCount) {
        throw new ModelConfigException(
            file,
            LAYERS_KEY + " must be an array of " + layersCount + " layers (num_hidden_layers)");
      }
      for (int i = 0; i < layersCount; i++) {
        JsonNode l = ext.get(i);
        if (!l.isObject()) {
          throw new ModelConfigException(file, LAYERS_KEY + "[" + i + "] must be an object");
        }
        ObjectNode layer = (ObjectNode) l;
        String at = LAYERS_KEY + "[" + i + "].";
        try {
          layers.set(
              i,
              new LayerStructure(
                  intOr(file, layer, at, "attention_heads", -1),
                  intOr(file, layer, at, "kv_heads", -1),
                  intOr(file, layer, at, "ffn_width", -1)));
        } catch (IllegalArgumentException e) {
          throw new ModelConfigException(file, LAYERS_KEY + "[" + i + "]: " + e.getMessage());
        }
      }
    }
    return new ModelConfig(
        family,
        modelType,
        hidden,
        heads,
        kvHeads,
        headDim,
        intermediate,
        vocab,
        maxPos,
        eps,
        theta,
        intOr(file, root, "type_vocab_size", 2),
        tie,
        qkvBias,
        window,
        intOr(file, root, "pad_token_id", 0),
        layers);
  }

  /**
   * Writes {@code config.json} into {@code dir}: the original JSON (if given) with the layer count
   * updated, and the extension key when the structure is not uniform.
   */
  public void write(Path dir, ObjectNode original) {
    ObjectNode out = original == null ? ModelJson.mapper().createObjectNode() : original.deepCopy();
    if (original == null) {
      out.put("model_type", modelType);
      out.putArray("architectures")
          .add(family == ModelFamily.BERT ? "BertModel" : "LlamaForCausalLM");
      out.put("hidden_size", hiddenSize);
      out.put("num_attention_heads", numHeads);
      out.put("intermediate_size", intermediateSize);
      out.put("vocab_size", vocabSize);
      out.put("max_position_embeddings", maxPositions);
      out.put("pad_token_id", padTokenId);
      if (family == ModelFamily.BERT) {
        out.put("layer_norm_eps", normEps);
        out.put("type_vocab_size", typeVocabSize);
        out.put("hidden_act", "gelu");
      } else {
        out.put("num_key_value_heads", numKvHeads);
        out.put("head_dim", headDim);
        out.put("rms_norm_eps", normEps);
        out.put("rope_theta", ropeTheta);
        out.put("tie_word_embeddings", tieWordEmbeddings);
        out.put("hidden_act", "silu");
      }
    }
    out.put("num_hidden_layers", numLayers());
    out.remove(LAYERS_KEY);
    if (!isUniform()) {
      ArrayNode arr = out.putArray(LAYERS_KEY);
      for (LayerStructure l : layers) {
        ObjectNode o = arr.addObject();
        o.put("attention_heads", l.attentionHeads());
        o.put("kv_heads", l.kvHeads());
        o.put("ffn_width", l.ffnWidth());
      }
    }
    Path file = dir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
      ModelJson.pretty().writeValue(tmp.toFile(), out);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ModelConfigException(file, "cannot write: " + e.getMessage(), e);
    }
  }

  private static int positive(Path file, ObjectNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0) {
      throw new ModelConfigException(file, "'" + key + "' must be a positive integer, was " + v);
    }
    return v.intValue();
  }

  // Absent or null means the Hugging Face default; present with another type is an error naming
  // the key, never the default in disguise (a fuzzed "rms_norm_eps": [] once loaded as 1e-6).

  private static int intOr(Path file, ObjectNode root, String key, int dflt) {
    return intOr(file, root, "", key, dflt);
  }

  private static int intOr(Path file, ObjectNode root, String at, String key, int dflt) {
    JsonNode v = present(root, key);
    if (v == null) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw wrongType(file, at + key, "a 32-bit integer", v);
    }
    return v.intValue();
  }

  private static double doubleOr(Path file, ObjectNode root, String key, double dflt) {
    JsonNode v = present(root, key);
    if (v == null) {
      return dflt;
    }
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw wrongType(file, key, "a finite number", v);
    }
    return v.doubleValue();
  }

  private static boolean boolOr(Path file, ObjectNode root, String key, boolean dflt) {
    JsonNode v = present(root, key);
    if (v == null) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw wrongType(file, key, "true or false", v);
    }
    return v.booleanValue();
  }

  private static String text(Path file, ObjectNode root, String key, String dflt) {
    JsonNode v = present(root, key);
    if (v == null) {
      return dflt;
    }
    if (!v.isTextual()) {
      throw wrongType(file, key, "a string", v);
    }
    return v.textValue();
  }

  private static JsonNode present(ObjectNode root, String key) {
    JsonNode v = root.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private static ModelConfigException wrongType(Path file, String key, String what, JsonNode v) {
    String shown = v.toString();
    return new ModelConfigException(
        file,
        key
            + " must be "
            + what
            + ", was "
            + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown));
  }
}
