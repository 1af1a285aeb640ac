package io.prunegate.model.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An ONNX model's graph: nodes in file order, initializers by name, graph inputs and outputs. */
public final class OnnxGraph {

  private final List<OnnxNode> nodes;
  private final Map<String, OnnxTensor> initializers;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, OnnxNode> producers = new HashMap<>();
  private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

  public OnnxGraph(
      List<OnnxNode> nodes,
      Map<String, OnnxTensor> initializers,
      List<String> inputs,
      List<String> outputs) {
    this.nodes = List.copyOf(nodes);
    this.initializers = Map.copyOf(initializers);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    for (OnnxNode n : nodes) {
      n.outputs().forEach(o -> producers.put(o, n));
      n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
    }
  }

  public List<OnnxNode> nodes() {
    return nodes;
  }

  public Map<String, OnnxTensor> initializers() {
    return initializers;
  }

  public List<String> inputs() {
    return inputs;
  }

  public List<String> outputs() {
    return outputs;
  }

  /** The nodes that read {@code tensorName}. */
  public List<OnnxNode> consumers(String tensorName) {
    return consumers.getOrDefault(tensorName, List.of());
  }

  /** The node that writes {@code tensorName}, if any. */
  public Optional<OnnxNode> producer(String tensorName) {
    return Optional.ofNullable(producers.get(tensorName));
  }

  /** The value of a constant: an initializer, or the output of a Constant node. */
  public Optional<OnnxTensor> constant(String tensorName) {
    OnnxTensor init = initializers.get(tensorName);
    if (init != null) {
      return Optional.of(init);
    }
    return producer(tensorName)
        .filter(n -> n.opType().equals("Constant"))
        .map(n -> n.tensorAttributes().get("value"));
  }
}
