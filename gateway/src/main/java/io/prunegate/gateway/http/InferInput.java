package io.prunegate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.events.InvalidRecordException;
import io.prunegate.events.RequestRules;
import java.util.ArrayList;
import java.util.List;

/**
 * The texts of an Open Inference Protocol v2 infer request: one {@code BYTES} input tensor (named
 * {@code text}, or the only input) whose {@code data} holds strings, flat or nested as its {@code
 * shape} says, plus the optional request {@code id} and the {@code key} and {@code deadline_ms}
 * request parameters. Data is flat (row-major) or nested exactly as the shape says. Types are
 * checked by the binding ({@link HttpBodies#read}), the protocol's rules here, and each text, the
 * id, key and deadline by the {@link RequestRules} every transport shares; every violation names
 * its field.
 */
record InferInput(String id, List<String> texts, String key, Long deadlineMs) {

  static InferInput parse(byte[] body, int maxTexts) {
    return of(HttpBodies.read(body, HttpBodies.InferRequest.class), maxTexts);
  }

  static InferInput of(HttpBodies.InferRequest body, int maxTexts) {
    try {
      return checked(body, maxTexts);
    } catch (InvalidRecordException e) {
      throw HttpProblem.of(e);
    }
  }

  private static InferInput checked(HttpBodies.InferRequest body, int maxTexts) {
    String id = body.id() == null ? null : RequestRules.id(body.id(), "id");
    HttpBodies.InferRequestParameters params = body.parameters();
    String key = params == null ? null : RequestRules.key(params.key(), "parameters.key");
    Long deadline =
        params == null
            ? null
            : RequestRules.deadline(params.deadlineMs(), "parameters.deadline_ms");
    List<HttpBodies.InputTensor> inputs = body.inputs();
    if (inputs == null || inputs.isEmpty()) {
      throw HttpProblem.badRequest("inputs", "must be a non-empty array of tensors");
    }
    int index = -1;
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) == null) {
        throw HttpProblem.badRequest("inputs[" + i + "]", "must be an object");
      }
      if ("text".equals(inputs.get(i).name()) || inputs.size() == 1) {
        index = i;
      }
    }
    if (index < 0) {
      throw HttpProblem.badRequest("inputs", "no input named 'text'");
    }
    String at = "inputs[" + index + "]";
    HttpBodies.InputTensor tensor = inputs.get(index);
    if (!"BYTES".equals(tensor.datatype())) {
      throw HttpProblem.badRequest(at + ".datatype", "must be BYTES (text as UTF-8 strings)");
    }
    List<Long> shape = tensor.shape();
    if (shape == null || shape.isEmpty()) {
      throw HttpProblem.badRequest(at + ".shape", "must be a non-empty array of integers");
    }
    long elements = 1;
    for (int i = 0; i < shape.size(); i++) {
      if (shape.get(i) == null || shape.get(i) < 0) {
        throw HttpProblem.badRequest(at + ".shape[" + i + "]", "must be a non-negative integer");
      }
      // Capped at max + 1: beyond that the request is refused anyway, and the product cannot
      // overflow (a shape of two Long.MAX_VALUE dimensions once passed for one text).
      elements = Math.min(elements * Math.min(shape.get(i), maxTexts + 1L), maxTexts + 1L);
    }
    if (elements > maxTexts) {
      throw new HttpProblem(413, "more than " + maxTexts + " texts in one request", at + ".shape");
    }
    JsonNode data = tensor.data();
    if (data == null || !data.isArray()) {
      throw HttpProblem.badRequest(at + ".data", "must be an array of strings");
    }
    List<String> texts = new ArrayList<>();
    boolean nested = false;
    for (JsonNode v : data) {
      nested |= v.isArray();
    }
    if (nested) {
      nestedTexts(data, at + ".data", shape, 0, texts);
    } else {
      if (data.size() != elements) {
        throw HttpProblem.badRequest(
            at + ".shape", "shape holds " + elements + " elements but data has " + data.size());
      }
      for (int i = 0; i < data.size(); i++) {
        texts.add(text(data.get(i), at + ".data[" + i + "]"));
      }
    }
    if (texts.isEmpty()) {
      throw HttpProblem.badRequest(at + ".data", "must hold at least one text");
    }
    return new InferInput(id, texts, key, deadline);
  }

  /** Nested data must follow the shape exactly: as many rows at each level as its dimension. */
  private static void nestedTexts(
      JsonNode node, String path, List<Long> shape, int depth, List<String> out) {
    if (depth == shape.size()) {
      out.add(text(node, path));
      return;
    }
    if (!node.isArray()) {
      throw HttpProblem.badRequest(
          path, "must be an array: nested data follows the shape " + shape + " level by level");
    }
    if (node.size() != shape.get(depth)) {
      throw HttpProblem.badRequest(
          path,
          "has "
              + node.size()
              + " elements where the shape "
              + shape
              + " says "
              + shape.get(depth));
    }
    for (int i = 0; i < node.size(); i++) {
      nestedTexts(node.get(i), path + "[" + i + "]", shape, depth + 1, out);
    }
  }

  private static String text(JsonNode v, String path) {
    if (!v.isTextual()) {
      throw HttpProblem.badRequest(path, "must be a string");
    }
    return RequestRules.text(v.textValue(), path);
  }
}
