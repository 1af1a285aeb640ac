package io.prunegate.gateway.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The texts of an Open Inference Protocol v2 infer request: one {@code BYTES} input tensor (named
 * {@code text}, or the only input) whose {@code data} holds strings, flat or nested as its {@code
 * shape} says, plus the optional request {@code id} and the {@code key} and {@code deadline_ms}
 * request parameters. Every violation names its field.
 */
record InferInput(String id, List<String> texts, String key, Long deadlineMs) {

  static InferInput parse(JsonObject body, int maxTexts) {
    String id = optionalString(body, "id", "id");
    JsonObject params = optionalObject(body, "parameters");
    String key = params == null ? null : optionalString(params, "key", "parameters.key");
    Long deadline = null;
    if (params != null && params.getValue("deadline_ms") != null) {
      Object d = params.getValue("deadline_ms");
      if (!(d instanceof Number n)
          || n.doubleValue() != Math.rint(n.doubleValue())
          || n.longValue() < 0) {
        throw HttpProblem.badRequest(
            "parameters.deadline_ms", "must be a non-negative integer (epoch milliseconds)");
      }
      deadline = n.longValue();
    }
    Object in = body.getValue("inputs");
    if (!(in instanceof JsonArray inputs) || inputs.isEmpty()) {
      throw HttpProblem.badRequest("inputs", "must be a non-empty array of tensors");
    }
    int index = -1;
    for (int i = 0; i < inputs.size(); i++) {
      if (!(inputs.getValue(i) instanceof JsonObject t)) {
        throw HttpProblem.badRequest("inputs[" + i + "]", "must be an object");
      }
      if ("text".equals(t.getValue("name")) || inputs.size() == 1) {
        index = i;
      }
    }
    if (index < 0) {
      throw HttpProblem.badRequest("inputs", "no input named 'text'");
    }
    String at = "inputs[" + index + "]";
    JsonObject tensor = inputs.getJsonObject(index);
    if (!"BYTES".equals(tensor.getValue("datatype"))) {
      throw HttpProblem.badRequest(at + ".datatype", "must be BYTES (text as UTF-8 strings)");
    }
    if (!(tensor.getValue("shape") instanceof JsonArray shape) || shape.isEmpty()) {
      throw HttpProblem.badRequest(at + ".shape", "must be a non-empty array of integers");
    }
    long elements = 1;
    for (int i = 0; i < shape.size(); i++) {
      if (!(shape.getValue(i) instanceof Number n) || n.longValue() < 0) {
        throw HttpProblem.badRequest(at + ".shape[" + i + "]", "must be a non-negative integer");
      }
      elements *= n.longValue();
    }
    if (!(tensor.getValue("data") instanceof JsonArray data)) {
      throw HttpProblem.badRequest(at + ".data", "must be an array of strings");
    }
    List<String> texts = new ArrayList<>();
    flatten(data, at + ".data", texts, maxTexts);
    if (texts.size() != elements) {
      throw HttpProblem.badRequest(
          at + ".shape", "shape holds " + elements + " elements but data has " + texts.size());
    }
    if (texts.isEmpty()) {
      throw HttpProblem.badRequest(at + ".data", "must hold at least one text");
    }
    return new InferInput(id, texts, key, deadline);
  }

  private static void flatten(JsonArray a, String path, List<String> out, int max) {
    for (int i = 0; i < a.size(); i++) {
      Object v = a.getValue(i);
      String p = path + "[" + i + "]";
      if (v instanceof JsonArray nested) {
        flatten(nested, p, out, max);
      } else if (v instanceof String s) {
        if (s.isEmpty()) {
          throw HttpProblem.badRequest(p, "must not be empty");
        }
        if (out.size() >= max) {
          throw new HttpProblem(413, "more than " + max + " texts in one request", path);
        }
        out.add(s);
      } else {
        throw HttpProblem.badRequest(p, "must be a string");
      }
    }
  }

  static String optionalString(JsonObject o, String name, String path) {
    Object v = o.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty()) {
      throw HttpProblem.badRequest(path, "must be a non-empty string");
    }
    return s;
  }

  private static JsonObject optionalObject(JsonObject o, String name) {
    Object v = o.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject j)) {
      throw HttpProblem.badRequest(name, "must be an object");
    }
    return j;
  }
}
