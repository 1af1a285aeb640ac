package io.prunegate.model.importer;

import java.util.List;
import java.util.Map;

/**
 * A node of an ONNX graph: operator, inputs, outputs, and the attributes the importer reads
 * (tensor-valued ones, as Constant nodes carry their value).
 */
public record OnnxNode(
    String name,
    String opType,
    List<String> inputs,
    List<String> outputs,
    Map<String, OnnxTensor> tensorAttributes,
    Map<String, Float> floatAttributes) {}
