package io.prunegate.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.registry.RegistryJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3 document served at {@code /api/v1/openapi.json}: the paths come from the route
 * table (so every served route is documented and every documented route is served), the schemas
 * from {@code openapi-schemas.json} beside this class.
 */
public final class OpenApiDocument {

  private OpenApiDocument() {}

  /** The document for these routes. */
  public static ObjectNode build(List<RouteSpec> routes, String version) {
    ObjectNode doc = RegistryJson.mapper().createObjectNode();
    doc.put("openapi", "3.0.3");
    ObjectNode info = doc.putObject("info");
    info.put("title", "PruneGate model registry");
    info.put("version", version);
    info.put(
        "description",
        "Models, versions with their artifacts and lineage, aliases, and compression jobs."
            + " Writes need 'Authorization: Bearer <token>'. Errors are {\"error\": ..., \"field\": ...}.");
    ObjectNode paths = doc.putObject("paths");
    for (RouteSpec r : routes) {
      ObjectNode path =
          paths.has(r.fullPath())
              ? (ObjectNode) paths.get(r.fullPath())
              : paths.putObject(r.fullPath());
      path.set(r.method().name().toLowerCase(Locale.ROOT), operation(r));
    }
    ObjectNode components = doc.putObject("components");
    components.set("schemas", schemas());
    ObjectNode bearer = components.putObject("securitySchemes").putObject("bearer");
    bearer.put("type", "http");
    bearer.put("scheme", "bearer");
    return doc;
  }

  private static ObjectNode operation(RouteSpec r) {
    ObjectNode op = RegistryJson.mapper().createObjectNode();
    op.put("operationId", r.operationId());
    op.put("summary", r.summary());
    op.putArray("tags").add(tag(r.path()));
    ArrayNode security = op.putArray("security");
    if (r.access() == Access.OPEN) {
      // no security requirement
    } else {
      security.addObject().putArray("bearer");
      if (r.access() == Access.READ) {
        security.addObject(); // anonymous allowed unless reads are protected
      }
    }
    ArrayNode params = op.putArray("parameters");
    for (RouteSpec.Param p : r.params()) {
      ObjectNode o = params.addObject();
      o.put("name", p.name());
      o.put("in", p.in());
      o.put("required", p.required());
      if (p.description() != null) {
        o.put("description", p.description());
      }
      ObjectNode schema = RegistryJson.mapper().createObjectNode();
      schema.put("type", p.type());
      if (p.repeated()) {
        ObjectNode array = o.putObject("schema");
        array.put("type", "array");
        array.set("items", schema);
        o.put("explode", true);
      } else {
        o.set("schema", schema);
      }
    }
    if (r.body() == RouteSpec.Body.JSON) {
      ObjectNode body = op.putObject("requestBody");
      body.put("required", !r.requestSchema().equals("GcRequest"));
      body.putObject("content")
          .putObject("application/json")
          .putObject("schema")
          .put("$ref", "#/components/schemas/" + r.requestSchema());
    } else if (r.body() == RouteSpec.Body.STREAM) {
      ObjectNode body = op.putObject("requestBody");
      body.put("required", true);
      body.putObject("content")
          .putObject("application/octet-stream")
          .putObject("schema")
          .put("$ref", "#/components/schemas/Binary");
    }
    Map<Integer, RouteSpec.Response> byStatus = new TreeMap<>();
    r.responses().forEach(resp -> byStatus.putIfAbsent(resp.status(), resp));
    ObjectNode responses = op.putObject("responses");
    byStatus.forEach(
        (status, resp) -> {
          ObjectNode o = responses.putObject(String.valueOf(status));
          o.put("description", resp.description());
          if (resp.schema() != null) {
            o.putObject("content")
                .putObject(resp.contentType())
                .putObject("schema")
                .put("$ref", "#/components/schemas/" + resp.schema());
          }
        });
    return op;
  }

  private static String tag(String path) {
    String first = path.substring(1).split("/")[0];
    return switch (first) {
      case "models", "versions", "resolve" -> "models";
      case "artifacts" -> "artifacts";
      case "jobs" -> "jobs";
      default -> "service";
    };
  }

  /** The component schemas. */
  static JsonNode schemas() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi-schemas.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi-schemas.json missing from the class path");
      }
      return RegistryJson.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read openapi-schemas.json", e);
    }
  }
}
