package io.prunegate.registry;

/**
 * A request the registry refuses, with the reason a client can act on: {@link #kind()} maps to the
 * HTTP status and {@link #field()} names the offending field (a JSON path such as {@code
 * artifacts[2].sha256}, a header, or a path parameter), or is {@code null} when no single field is
 * at fault. The REST layer turns it into {@code {"error": message, "field": field}}.
 */
public final class RegistryProblem extends RuntimeException {

  /** The kinds of refusal and the HTTP status each maps to. */
  public enum Kind {
    /** Malformed JSON or a value that fails validation. */
    INVALID(400),
    /** Missing or wrong bearer token. */
    UNAUTHORIZED(401),
    /** A valid token that may not do this (a read-only token on a write). */
    FORBIDDEN(403),
    /** No such model, version, alias, job, artifact or route. */
    NOT_FOUND(404),
    /** The request conflicts with the current state (exists already, claimed by another). */
    CONFLICT(409),
    /** Body or upload larger than the configured limit. */
    TOO_LARGE(413),
    /** A Range header that cannot be satisfied. */
    RANGE_NOT_SATISFIABLE(416),
    /** Well-formed but refers to content that does not match or does not exist. */
    UNPROCESSABLE(422),
    /** The registry cannot serve the request now (a stored blob failed verification). */
    SERVER_ERROR(500);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    /** The HTTP status code. */
    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final String field;

  public RegistryProblem(Kind kind, String field, String message) {
    super(message);
    this.kind = kind;
    this.field = field;
  }

  /** 400: malformed or invalid input. */
  public static RegistryProblem invalid(String field, String message) {
    return new RegistryProblem(Kind.INVALID, field, message);
  }

  /** 404: no such entity. */
  public static RegistryProblem notFound(String field, String message) {
    return new RegistryProblem(Kind.NOT_FOUND, field, message);
  }

  /** 409: conflicts with the current state. */
  public static RegistryProblem conflict(String field, String message) {
    return new RegistryProblem(Kind.CONFLICT, field, message);
  }

  /** 422: refers to content that does not exist or does not match. */
  public static RegistryProblem unprocessable(String field, String message) {
    return new RegistryProblem(Kind.UNPROCESSABLE, field, message);
  }

  /** 413: over a size limit. */
  public static RegistryProblem tooLarge(String field, String message) {
    return new RegistryProblem(Kind.TOO_LARGE, field, message);
  }

  public Kind kind() {
    return kind;
  }

  /** HTTP status of this problem. */
  public int status() {
    return kind.status();
  }

  /** The offending field, or {@code null}. */
  public String field() {
    return field;
  }
}
