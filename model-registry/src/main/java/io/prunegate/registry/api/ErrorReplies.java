package io.prunegate.registry.api;

import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.store.StoreRefusal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes the API's JSON errors: {@code {"error": "...", "field": "..."}} with the status. */
final class ErrorReplies {

  private ErrorReplies() {}

  /**
   * The problem a store's refusal is on the wire: no such entity 404, a conflict 409, a reference
   * to something missing or mismatched 422, a value the store never takes 400; message and field
   * pass through unchanged.
   */
  static RegistryProblem problem(StoreRefusal e) {
    RegistryProblem.Kind kind;
    if (e instanceof StoreRefusal.NotFound) {
      kind = RegistryProblem.Kind.NOT_FOUND;
    } else if (e instanceof StoreRefusal.Conflict) {
      kind = RegistryProblem.Kind.CONFLICT;
    } else if (e instanceof StoreRefusal.Unprocessable) {
      kind = RegistryProblem.Kind.UNPROCESSABLE;
    } else {
      kind = RegistryProblem.Kind.INVALID;
    }
    return new RegistryProblem(kind, e.field(), e.getMessage());
  }

  static void send(HttpServerResponse response, RegistryProblem p) {
    send(response, p.status(), p.getMessage(), p.field());
  }

  static void send(HttpServerResponse response, int status, String message, String field) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // a body is already streaming: the only honest signal left is to cut the connection
      response.reset();
      return;
    }
    response.setStatusCode(status);
    response.putHeader("Content-Type", "application/json");
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"prunegate-registry\"");
    }
    response.end(Buffer.buffer(RegistryJson.write(RegistryJson.error(message, field))));
  }
}
