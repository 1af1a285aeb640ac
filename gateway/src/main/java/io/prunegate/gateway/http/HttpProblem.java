package io.prunegate.gateway.http;

import io.prunegate.events.InvalidRecordException;

/** A request the HTTP API refuses: status, message and the offending field (or null). */
final class HttpProblem extends RuntimeException {

  private final int status;
  private final String field;

  HttpProblem(int status, String message, String field) {
    super(message);
    this.status = status;
    this.field = field;
  }

  /** A request rule broken: 400 with the rule's reason and field. */
  static HttpProblem of(InvalidRecordException e) {
    return new HttpProblem(400, e.reason(), e.field());
  }

  static HttpProblem badRequest(String field, String message) {
    return new HttpProblem(400, message, field);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }
}
