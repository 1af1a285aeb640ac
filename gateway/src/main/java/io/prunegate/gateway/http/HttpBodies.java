package io.prunegate.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Map;

/**
 * The bodies the gateway's HTTP API answers with (Open Inference Protocol v2 and the error body),
 * as records, and the one mapper of this wire family that writes them: snake_case names in
 * declaration order, nulls written (an error without a field says {@code "field":null}). {@code
 * /v1/classify} answers with the events codec's result record instead, the same bytes as on Kafka.
 * Pinned by {@code HttpWireFormatGoldenTest}.
 */
final class HttpBodies {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  private HttpBodies() {}

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
