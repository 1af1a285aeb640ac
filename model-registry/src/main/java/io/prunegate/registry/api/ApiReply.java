package io.prunegate.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** What a JSON operation answers: a status, a JSON body (null for none) and extra headers. */
public record ApiReply(int status, JsonNode body, Map<String, String> headers) {

  public static ApiReply ok(JsonNode body) {
    return new ApiReply(200, body, Map.of());
  }

  public static ApiReply created(JsonNode body, String location) {
    return new ApiReply(201, body, Map.of("Location", location));
  }

  public static ApiReply noContent() {
    return new ApiReply(204, null, Map.of());
  }
}
