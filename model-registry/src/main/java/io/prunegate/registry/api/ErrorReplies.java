package io.prunegate.registry.api;

import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.jobs.JobException;
import io.prunegate.registry.store.CatalogException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes the API's JSON errors: {@code {"error": "...", "field": "..."}} with the status. */
final class ErrorReplies {

  private ErrorReplies() {}

  /**
   * The problem a catalog refusal is on the wire: no such entity 404, a conflict 409, a reference
   * to something missing or mismatched 422; message and field pass through unchanged.
   */
  static RegistryProblem problem(CatalogException e) {
    RegistryProblem.Kind kind;
    if (e instanceof CatalogException.NotFound) {
      kind = RegistryProblem.Kind.NOT_FOUND;
    } else if (e instanceof CatalogException.Conflict) {
      kind = RegistryProblem.Kind.CONFLICT;
    } else {
      kind = RegistryProblem.Kind.UNPROCESSABLE;
    }
    return new RegistryProblem(kind, e.field(), e.getMessage());
  }

  /**
   * The problem a job-queue refusal is on the wire: no such job 404, a job another worker holds or
   * that has ended 409, a job for a missing model or version 422, a value no job takes 400; message
   * and field pass through unchanged.
   */
  static RegistryProblem problem(JobException e) {
    RegistryProblem.Kind kind;
    if (e instanceof JobException.NotFound) {
      kind = RegistryProblem.Kind.NOT_FOUND;
    } else if (e instanceof JobException.Conflict) {
      kind = RegistryProblem.Kind.CONFLICT;
    } else if (e instanceof JobException.Unprocessable) {
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
