package io.prunegate.model.importer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.model.ModelJson;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.config.ModelFamily;
import io.prunegate.model.safetensors.SafetensorsWriter;
import io.prunegate.model.safetensors.TensorSource;
import io.prunegate.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a BERT-family ONNX export (such as the Hugging Face/Optimum exports that ship in the
 * default-model jars) into a Hugging Face model directory. Named initializers keep their names. The
 * exporter leaves MatMul weights anonymous ({@code onnx::MatMul_1525}); each is identified through
 * the graph by the named bias that the following Add adds to its output ({@code
 * encoder.layer.0.attention.self.query.bias} names {@code ...query.weight}), and transposed from
 * ONNX's [in, out] to Hugging Face's [out, in]. Head count, head size and LayerNorm epsilon are
 * read from the graph's constants.
 */
public final class BertOnnxImporter {

  private static final Logger LOG = LoggerFactory.getLogger(BertOnnxImporter.class);
  private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

  /** What an import produced. */
  public record Result(
      Path directory, ModelConfig config, int tensors, int namedThroughGraph, String onnxSha256) {}

  private BertOnnxImporter() {}

  /**
   * Imports {@code onnx} and {@code tokenizerJson} into the (new or emptied) directory {@code out}.
   */
  public static Result importModel(Path onnx, Path tokenizerJson, Path out) {
    OnnxGraph graph = OnnxReader.read(onnx);
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    for (OnnxTensor t : graph.initializers().values()) {
      String name = hfName(t.name());
      if (name != null && (name.endsWith(".weight") || name.endsWith(".bias"))) {
        tensors.put(name, t);
      }
    }
    int throughGraph = 0;
    for (OnnxNode n : graph.nodes()) {
      if (!n.opType().equals("MatMul") || n.inputs().size() != 2) {
        continue;
      }
      OnnxTensor w = graph.initializers().get(n.inputs().get(1));
      if (w == null || w.dims().length != 2) {
        continue; // activation x activation (attention scores)
      }
      String bias = followingBias(graph, n.outputs().get(0));
      if (bias == null) {
        throw new OnnxFormatException(
            onnx,
            "cannot name the weight '"
                + w.name()
                + "' of MatMul node '"
                + n.name()
                + "': no Add with a named .bias initializer follows it");
      }
      String weightName = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
      if (tensors.containsKey(weightName)) {
        throw new OnnxFormatException(onnx, "two MatMul weights map to '" + weightName + "'");
      }
      tensors.put(weightName, transposed(w, weightName));
      throughGraph++;
    }

    ModelConfig config = deriveConfig(onnx, graph, tensors);
    String sha = sha256(onnx);
    try {
      Files.createDirectories(out);
      SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
      for (String name : new TreeSet<>(tensors.keySet())) {
        OnnxTensor t = tensors.get(name);
        writer.putFloats(name, t.dims(), t.floats());
      }
      writer.write(out.resolve(TensorSource.SINGLE_FILE));
      ObjectNode json = ModelJson.mapper().createObjectNode();
      json.putArray("architectures").add("BertModel");
      json.put("model_type", "bert");
      json.put("hidden_size", config.hiddenSize());
      json.put("num_attention_heads", config.numHeads());
      json.put("num_hidden_layers", config.numLayers());
      json.put("intermediate_size", config.intermediateSize());
      json.put("vocab_size", config.vocabSize());
      json.put("max_position_embeddings", config.maxPositions());
      json.put("type_vocab_size", config.typeVocabSize());
      json.put("layer_norm_eps", config.normEps());
      json.put("hidden_act", "gelu");
      json.put("pad_token_id", 0);
      json.put("torch_dtype", "float32");
      ObjectNode source = json.putObject("prunegate_source");
      source.put("onnx", onnx.getFileName().toString());
      source.put("onnx_sha256", sha);
      config.write(out, json);
      Files.copy(
          tokenizerJson, out.resolve(TextTokenizer.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write imported model to " + out, e);
    }
    LOG.info(
        "imported onnx={} layers={} hidden={} heads={} tensors={} namedThroughGraph={} out={}",
        onnx.getFileName(),
        config.numLayers(),
        config.hiddenSize(),
        config.numHeads(),
        tensors.size(),
        throughGraph,
        out);
    return new Result(out, config, tensors.size(), throughGraph, sha);
  }

  /** The HF name of an initializer, without a {@code bert.} prefix; null if it is not a weight. */
  private static String hfName(String name) {
    String n = name.startsWith("bert.") ? name.substring(5) : name;
    return n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler.")
        ? n
        : null;
  }

  /** The named bias added to {@code output}, following an optional Add chain of one step. */
  private static String followingBias(OnnxGraph graph, String output) {
    for (OnnxNode c : graph.consumers(output)) {
      if (!c.opType().equals("Add")) {
        continue;
      }
      for (String in : c.inputs()) {
        if (in.equals(output)) {
          continue;
        }
        String name = hfName(in);
        if (name != null && name.endsWith(".bias") && graph.initializers().containsKey(in)) {
          return name;
        }
      }
    }
    return null;
  }

  private static OnnxTensor transposed(OnnxTensor w, String newName) {
    int in = (int) w.dims()[0];
    int outDim = (int) w.dims()[1];
    float[] src = w.floats();
    java.nio.ByteBuffer dst =
        java.nio.ByteBuffer.allocate(src.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int o = 0; o < outDim; o++) {
      for (int i = 0; i < in; i++) {
        dst.putFloat(src[i * outDim + o]);
      }
    }
    return new OnnxTensor(newName, OnnxTensor.FLOAT, new long[] {outDim, in}, dst.flip());
  }

  private static ModelConfig deriveConfig(Path onnx, OnnxGraph g, Map<String, OnnxTensor> t) {
    OnnxTensor words = require(onnx, t, "embeddings.word_embeddings.weight");
    OnnxTensor positions = require(onnx, t, "embeddings.position_embeddings.weight");
    OnnxTensor types = require(onnx, t, "embeddings.token_type_embeddings.weight");
    int vocab = (int) words.dims()[0];
    int hidden = (int) words.dims()[1];
    TreeSet<Integer> layers = new TreeSet<>();
    for (String name : t.keySet()) {
      Matcher m = LAYER.matcher(name);
      if (m.find()) {
        layers.add(Integer.parseInt(m.group(1)));
      }
    }
    if (layers.isEmpty() || layers.first() != 0 || layers.last() != layers.size() - 1) {
      throw new OnnxFormatException(
          onnx, "encoder layers are missing or not numbered 0..L-1: " + layers);
    }
    int intermediate = (int) require(onnx, t, "encoder.layer.0.intermediate.dense.bias").dims()[0];
    int[] heads = headsAndSize(onnx, g, hidden);
    double eps = layerNormEpsilon(g).orElse(1e-12);
    LayerStructure dense = new LayerStructure(heads[0], heads[0], intermediate);
    return new ModelConfig(
        ModelFamily.BERT,
        "bert",
        hidden,
        heads[0],
        heads[0],
        heads[1],
        intermediate,
        vocab,
        (int) positions.dims()[0],
        eps,
        10000.0,
        (int) types.dims()[0],
        true,
        true,
        0,
        0,
        Collections.nCopies(layers.size(), dense));
  }

  /** Heads and head size from the reshape that splits layer 0's key (or query) into heads. */
  private static int[] headsAndSize(Path onnx, OnnxGraph g, int hidden) {
    for (String proj : List.of("key", "query", "value")) {
      String bias = "encoder.layer.0.attention.self." + proj + ".bias";
      for (OnnxNode add : g.nodes()) {
        if (!add.opType().equals("Add")
            || add.inputs().stream().map(BertOnnxImporter::hfName).noneMatch(bias::equals)) {
          continue;
        }
        for (OnnxNode reshape : g.consumers(add.outputs().get(0))) {
          if (!reshape.opType().equals("Reshape") || reshape.inputs().size() < 2) {
            continue;
          }
          List<Long> dims = shapeValues(g, reshape.inputs().get(1));
          if (dims.size() >= 2) {
            long h = dims.get(dims.size() - 2);
            long d = dims.get(dims.size() - 1);
            if (h > 0 && d > 0 && h * d == hidden) {
              return new int[] {(int) h, (int) d};
            }
          }
        }
      }
    }
    throw new OnnxFormatException(
        onnx, "cannot find the attention head count: no reshape of the q/k/v projection to heads");
  }

  /** The constant entries of a reshape's shape input (a Constant, or a Concat of constants). */
  private static List<Long> shapeValues(OnnxGraph g, String shapeInput) {
    Optional<OnnxTensor> direct = g.constant(shapeInput);
    if (direct.isPresent()) {
      long[] v = direct.get().longs();
      List<Long> out = new java.util.ArrayList<>();
      for (long x : v) {
        out.add(x);
      }
      return out;
    }
    Optional<OnnxNode> concat = g.producer(shapeInput).filter(n -> n.opType().equals("Concat"));
    List<Long> out = new java.util.ArrayList<>();
    if (concat.isPresent()) {
      for (String in : concat.get().inputs()) {
        Optional<OnnxTensor> c = g.constant(in);
        if (c.isPresent() && c.get().elementCount() == 1 && isInt(c.get())) {
          out.add(c.get().longs()[0]);
        } else {
          out.add(-1L); // dynamic (batch, sequence)
        }
      }
    }
    return out;
  }

  private static boolean isInt(OnnxTensor t) {
    return t.dataType() == OnnxTensor.INT64 || t.dataType() == OnnxTensor.INT32;
  }

  /** Epsilon of the first LayerNorm: a LayerNormalization attribute or the decomposed Add. */
  private static Optional<Double> layerNormEpsilon(OnnxGraph g) {
    for (OnnxNode n : g.nodes()) {
      if (n.opType().equals("LayerNormalization") && n.floatAttributes().containsKey("epsilon")) {
        return Optional.of(Double.parseDouble(Float.toString(n.floatAttributes().get("epsilon"))));
      }
      if (n.opType().equals("Add") && n.inputs().size() == 2) {
        boolean afterMean =
            n.inputs().stream()
                .anyMatch(
                    i -> g.producer(i).map(p -> p.opType().equals("ReduceMean")).orElse(false));
        if (!afterMean) {
          continue;
        }
        for (String in : n.inputs()) {
          Optional<OnnxTensor> c = g.constant(in);
          if (c.isPresent() && c.get().elementCount() == 1 && !isInt(c.get())) {
            // float -> shortest decimal, so 1e-12 stays 1e-12 in config.json
            return Optional.of(Double.parseDouble(Float.toString(c.get().floats()[0])));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static OnnxTensor require(Path onnx, Map<String, OnnxTensor> t, String name) {
    OnnxTensor x = t.get(name);
    if (x == null) {
      throw new OnnxFormatException(
          onnx, "initializer '" + name + "' not found: not a BERT export?");
    }
    return x;
  }

  static String sha256(Path file) {
    return io.prunegate.model.bundle.VariantBundle.sha256(file);
  }
}
