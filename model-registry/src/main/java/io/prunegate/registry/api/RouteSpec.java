package io.prunegate.registry.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One route of the REST API, the single source for both the router and the OpenAPI document: its
 * method and path (OpenAPI syntax, relative to {@value #PREFIX}), who may call it, what body it
 * takes, its documented parameters and responses, and its handler. Query parameters that a route
 * does not document are refused, so the document and the code cannot drift apart silently.
 */
public final class RouteSpec {

  /** Every route lives under this prefix. */
  public static final String PREFIX = "/api/v1";

  /** What a route's request body is. */
  public enum Body {
    NONE,
    /** A JSON document, limited to the configured JSON body size. */
    JSON,
    /** A raw byte stream (an artifact upload), limited to the configured upload size. */
    STREAM
  }

  /** A documented parameter. {@code in} is {@code path}, {@code query} or {@code header}. */
  public record Param(
      String name,
      String in,
      String type,
      boolean required,
      boolean repeated,
      String description) {}

  /** A documented response: status, description, and the schema name of its JSON body, if any. */
  public record Response(int status, String description, String schema, String contentType) {}

  private final HttpMethod method;
  private final String path;
  private final String operationId;
  private final String summary;
  private final Access access;
  private final Body body;
  private final String requestSchema;
  private final List<Param> params;
  private final List<Response> responses;
  private final JsonOperation json;
  private final Handler<RoutingContext> raw;

  private RouteSpec(Builder b) {
    this.method = b.method;
    this.path = b.path;
    this.operationId = b.operationId;
    this.summary = Objects.requireNonNull(b.summary, "summary of " + b.operationId);
    this.access = b.access;
    this.body = b.body;
    this.requestSchema = b.requestSchema;
    this.params = List.copyOf(b.params);
    this.responses = List.copyOf(b.responses);
    this.json = b.json;
    this.raw = b.raw;
    if ((json == null) == (raw == null)) {
      throw new IllegalStateException(operationId + ": exactly one of json or raw handler");
    }
  }

  public static Builder get(String path, String operationId) {
    return new Builder(HttpMethod.GET, path, operationId);
  }

  public static Builder head(String path, String operationId) {
    return new Builder(HttpMethod.HEAD, path, operationId);
  }

  public static Builder post(String path, String operationId) {
    return new Builder(HttpMethod.POST, path, operationId);
  }

  public static Builder put(String path, String operationId) {
    return new Builder(HttpMethod.PUT, path, operationId);
  }

  public static Builder delete(String path, String operationId) {
    return new Builder(HttpMethod.DELETE, path, operationId);
  }

  public HttpMethod method() {
    return method;
  }

  /** Path relative to {@link #PREFIX}, in OpenAPI syntax ({@code /models/{name}}). */
  public String path() {
    return path;
  }

  /** The full OpenAPI path, {@link #PREFIX} included. */
  public String fullPath() {
    return PREFIX + path;
  }

  /** The full path in Vert.x syntax ({@code /api/v1/models/:name}). */
  public String vertxPath() {
    return fullPath().replaceAll("\\{([a-zA-Z0-9_]+)}", ":$1");
  }

  public String operationId() {
    return operationId;
  }

  public String summary() {
    return summary;
  }

  public Access access() {
    return access;
  }

  public Body body() {
    return body;
  }

  public String requestSchema() {
    return requestSchema;
  }

  public List<Param> params() {
    return params;
  }

  public List<Response> responses() {
    return responses;
  }

  /** The JSON operation, or null for a raw (streaming) route. */
  public JsonOperation json() {
    return json;
  }

  /** The raw Vert.x handler, or null for a JSON route. */
  public Handler<RoutingContext> raw() {
    return raw;
  }

  /** Builds a {@link RouteSpec}. */
  public static final class Builder {
    private final HttpMethod method;
    private final String path;
    private final String operationId;
    private String summary;
    private Access access = Access.READ;
    private Body body = Body.NONE;
    private String requestSchema;
    private final List<Param> params = new ArrayList<>();
    private final List<Response> responses = new ArrayList<>();
    private JsonOperation json;
    private Handler<RoutingContext> raw;

    private Builder(HttpMethod method, String path, String operationId) {
      this.method = method;
      this.path = path;
      this.operationId = operationId;
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\\{([a-zA-Z0-9_]+)}").matcher(path);
      while (m.find()) {
        params.add(new Param(m.group(1), "path", "string", true, false, null));
      }
    }

    public Builder summary(String text) {
      this.summary = text;
      return this;
    }

    public Builder access(Access value) {
      this.access = value;
      return this;
    }

    /** A JSON request body of the named schema. */
    public Builder jsonBody(String schema) {
      this.body = Body.JSON;
      this.requestSchema = schema;
      return this;
    }

    /** A raw byte-stream request body. */
    public Builder streamBody() {
      this.body = Body.STREAM;
      return this;
    }

    /** Describes a path parameter declared in the path. */
    public Builder pathParam(String name, String type, String description) {
      params.replaceAll(
          p ->
              p.in().equals("path") && p.name().equals(name)
                  ? new Param(name, "path", type, true, false, description)
                  : p);
      return this;
    }

    public Builder query(String name, String type, String description) {
      params.add(new Param(name, "query", type, false, false, description));
      return this;
    }

    public Builder repeatedQuery(String name, String description) {
      params.add(new Param(name, "query", "string", false, true, description));
      return this;
    }

    public Builder requiredQuery(String name, String type, String description) {
      params.add(new Param(name, "query", type, true, false, description));
      return this;
    }

    public Builder header(String name, String description) {
      params.add(new Param(name, "header", "string", false, false, description));
      return this;
    }

    /** A response with a JSON body of the named schema (null: no body). */
    public Builder response(int status, String description, String schema) {
      responses.add(
          new Response(status, description, schema, schema == null ? null : "application/json"));
      return this;
    }

    /** A response with a body of another content type. */
    public Builder response(int status, String description, String schema, String contentType) {
      responses.add(new Response(status, description, schema, contentType));
      return this;
    }

    /** Error responses ({@code Error} body) with these statuses. */
    public Builder errors(int... statuses) {
      for (int s : statuses) {
        responses.add(new Response(s, errorDescription(s), "Error", "application/json"));
      }
      return this;
    }

    public RouteSpec json(JsonOperation operation) {
      this.json = operation;
      return build();
    }

    public RouteSpec raw(Handler<RoutingContext> handler) {
      this.raw = handler;
      return build();
    }

    private RouteSpec build() {
      if (body == Body.JSON) {
        errors(400, 413);
      } else if (body == Body.STREAM) {
        errors(413);
      }
      if (access != Access.OPEN) {
        errors(401);
      }
      if (access == Access.WRITE) {
        errors(403);
      }
      responses.add(new Response(500, errorDescription(500), "Error", "application/json"));
      return new RouteSpec(this);
    }

    private static String errorDescription(int status) {
      return switch (status) {
        case 400 -> "invalid request: malformed JSON, unknown field, bad value or parameter";
        case 401 -> "missing or invalid bearer token";
        case 403 -> "the token may not write";
        case 404 -> "not found";
        case 409 -> "conflicts with the current state";
        case 413 -> "body larger than the configured limit";
        case 416 -> "range not satisfiable";
        case 422 -> "refers to content that does not exist or does not match";
        case 500 -> "server error";
        default -> "error";
      };
    }
  }
}
