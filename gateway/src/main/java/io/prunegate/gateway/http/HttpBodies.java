package io.prunegate.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prunegate.events.StrictJson;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The bodies of the gateway's HTTP API (Open Inference Protocol v2, {@code /v1/classify} and the
 * error body) as records, and the one mapper of this wire family that reads and writes them:
 * snake_case names in declaration order, nulls written (an error without a field says {@code
 * "field":null}); reading is strict (duplicate keys, content after the body, a number where a
 * string belongs or the reverse, nesting deeper than {@value #MAX_DEPTH}) and unknown fields are
 * ignored, as the protocol allows extensions. A refused body is an {@link HttpProblem} naming the
 * field from the binding's path. {@code /v1/classify} answers with the events codec's result
 * record, the same bytes as on Kafka. Pinned by {@code HttpWireFormatGoldenTest}.
 */
final class HttpBodies {

  static final int MAX_DEPTH = 32;

  private static final ObjectMapper MAPPER =
      StrictJson.builder(MAX_DEPTH)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // content after the body is checked by read(), to name it as malformed JSON
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private HttpBodies() {}

  /**
   * Binds a request body to {@code type}; an empty, malformed or mistyped body is a 400 naming the
   * offending field ({@code inputs[0].shape[1]}) or none when the whole body is wrong.
   */
  static <T> T read(byte[] body, Class<T> type) {
    if (body == null || body.length == 0) {
      throw HttpProblem.badRequest(null, "a JSON body is required");
    }
    try (JsonParser p = MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw HttpProblem.badRequest(null, "the body must be a JSON object");
      }
      T value = MAPPER.readValue(p, type);
      // Checked here rather than by FAIL_ON_TRAILING_TOKENS, whose error has no kind of its own.
      if (p.nextToken() != null) {
        throw HttpProblem.badRequest(null, "malformed JSON: content after the body's object");
      }
      return value;
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof JsonProcessingException syntax
          && !(syntax instanceof JsonMappingException)) {
        // A syntax error inside a field's value, wrapped with the path: still malformed JSON.
        throw HttpProblem.badRequest(
            null, "malformed JSON: " + firstLine(syntax.getOriginalMessage()));
      }
      String field = field(e.getPath());
      throw HttpProblem.badRequest(
          field, field == null ? firstLine(e.getOriginalMessage()) : expected(e));
    } catch (JsonProcessingException e) {
      throw HttpProblem.badRequest(null, "malformed JSON: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read an in-memory body", e);
    }
  }

  /** {@code inputs[0].shape[1]} from the binding's path, or null for the body itself. */
  private static String field(List<JsonMappingException.Reference> path) {
    return StrictJson.path(path);
  }

  /** What the field should have been, from the type the binding expected there. */
  private static String expected(JsonMappingException e) {
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
        && m.getTargetType() != null) {
      Class<?> t = m.getTargetType();
      if (t == String.class) {
        return "must be a string";
      }
      if (t == Long.class || t == long.class || t == Integer.class || t == int.class) {
        return "must be an integer";
      }
      if (Collection.class.isAssignableFrom(t)) {
        return "must be an array";
      }
      if (t.isRecord()) {
        return "must be an object";
      }
    }
    return firstLine(e.getOriginalMessage());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** {@code POST /v1/classify}: one text for a model reference. */
  record ClassifyRequest(String text, String model, String id, String key, Long deadlineMs) {}

  /** {@code POST /v2/models/{name}[/versions/{v}]/infer}. */
  record InferRequest(String id, InferRequestParameters parameters, List<InputTensor> inputs) {}

  /** The request parameters PruneGate reads: the routing key and the deadline. */
  record InferRequestParameters(String key, Long deadlineMs) {}

  /**
   * An input tensor; {@code data} stays a tree because its shape (flat or nested) and element type
   * follow {@code datatype} and {@code shape}, checked by {@link InferInput}.
   */
  record InputTensor(String name, String datatype, List<Long> shape, JsonNode data) {}

  /** The body as UTF-8 JSON. */
  static byte[] write(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + body.getClass().getSimpleName(), e);
    }
  }

  /** {@code GET /v2/health/live}. */
  record Live(boolean live) {}

  /** {@code GET /v2/health/ready}. */
  record Ready(boolean ready) {}

  /** {@code GET /v2}. */
  record ServerMetadata(String name, String version, List<String> extensions) {}

  /** A tensor's name, datatype and shape ({@code -1}: any size). */
  record TensorSpec(String name, String datatype, List<Integer> shape) {}

  /** {@code GET /v2/models/{name}[/versions/{v}]}. */
  record ModelMetadata(
      String name,
      List<String> versions,
      String platform,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      ModelParameters parameters) {}

  /** The labels in score order and the aliases' versions. */
  record ModelParameters(List<String> labels, Map<String, Integer> aliases) {}

  /** {@code GET /v2/models/{name}[/versions/{v}]/ready}. */
  record ModelReady(String name, boolean ready) {}

  /** An output tensor with its data in row-major order. */
  record Tensor(String name, String datatype, List<Integer> shape, List<?> data) {}

  /** {@code POST /v2/models/{name}[/versions/{v}]/infer}. */
  record InferResponse(
      String modelName,
      String modelVersion,
      String id,
      InferParameters parameters,
      List<Tensor> outputs) {}

  /** Per text: the version and variant that answered and whether the text was truncated. */
  record InferParameters(
      List<String> labels,
      List<Integer> versions,
      List<String> variants,
      List<Boolean> truncated) {}

  /** Every 4xx/5xx answer: the reason, and the offending field or null. */
  record Error(String error, String field) {}
}
