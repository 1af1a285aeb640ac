package io.prunegate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The texts of an Open Inference Protocol v2 infer request: one {@code BYTES} input tensor (named
 * {@code text}, or the only input) whose {@code data} holds strings, flat or nested as its {@code
 * shape} says, plus the optional request {@code id} and the {@code key} and {@code deadline_ms}
 * request parameters. Types are checked by the binding ({@link HttpBodies#read}); the rules of the
 * protocol here, and every violation names its field.
 */
record InferInput(String id, List<String> texts, String key, Long deadlineMs) {

  static InferInput parse(byte[] body, int maxTexts) {
    return of(HttpBodies.read(body, HttpBodies.InferRequest.class), maxTexts);
  }

  static InferInput of(HttpBodies.InferRequest body, int maxTexts) {
    String id = nonEmptyOrNull(body.id(), "id");
    HttpBodies.InferRequestParameters params = body.parameters();
    String key = params == null ? null : nonEmptyOrNull(params.key(), "parameters.key");
    Long deadline = params == null ? null : params.deadlineMs();
    if (deadline != null && deadline < 0) {
      throw HttpProblem.badRequest(
          "parameters.deadline_ms", "must be a non-negative integer (epoch milliseconds)");
    }
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
      elements = Math.multiplyExact(elements, shape.get(i));
    }
    if (tensor.data() == null || !tensor.data().isArray()) {
      throw HttpProblem.badRequest(at + ".data", "must be an array of strings");
    }
    List<String> texts = new ArrayList<>();
    flatten(tensor.data(), at + ".data", texts, maxTexts);
    if (texts.size() != elements) {
      throw HttpProblem.badRequest(
          at + ".shape", "shape holds " + elements + " elements but data has " + texts.size());
    }
    if (texts.isEmpty()) {
      throw HttpProblem.badRequest(at + ".data", "must hold at least one text");
    }
    return new InferInput(id, texts, key, deadline);
  }

  private static void flatten(JsonNode a, String path, List<String> out, int max) {
    for (int i = 0; i < a.size(); i++) {
      JsonNode v = a.get(i);
      String p = path + "[" + i + "]";
      if (v.isArray()) {
        flatten(v, p, out, max);
      } else if (v.isTextual()) {
        if (v.textValue().isEmpty()) {
          throw HttpProblem.badRequest(p, "must not be empty");
        }
        if (out.size() >= max) {
          throw new HttpProblem(413, "more than " + max + " texts in one request", path);
        }
        out.add(v.textValue());
      } else {
        throw HttpProblem.badRequest(p, "must be a string");
      }
    }
  }

  /** An optional string: absent is null, present must not be empty. */
  static String nonEmptyOrNull(String value, String field) {
    if (value != null && value.isEmpty()) {
      throw HttpProblem.badRequest(field, "must be a non-empty string");
    }
    return value;
  }
}
