package io.prunegate.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Checks a JSON value against the subset of OpenAPI 3.0 schema the registry's document uses: {@code
 * $ref}, {@code type}, {@code nullable}, {@code required}, {@code properties}, {@code
 * additionalProperties}, {@code items}, {@code enum}. An object may not carry properties its schema
 * does not list unless the schema allows additional properties, so a field added to the code but
 * not to the document is caught.
 */
final class SchemaCheck {

  private final JsonNode schemas;

  SchemaCheck(JsonNode document) {
    this.schemas = document.path("components").path("schemas");
  }

  /** Problems found; empty when {@code value} conforms to the named schema. */
  List<String> check(String schemaName, JsonNode value) {
    List<String> errors = new ArrayList<>();
    JsonNode schema = schemas.get(schemaName);
    if (schema == null) {
      errors.add("no schema " + schemaName);
      return errors;
    }
    check(schema, value, "$", errors);
    return errors;
  }

  private void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      JsonNode target = schemas.get(ref.substring(ref.lastIndexOf('/') + 1));
      if (target == null) {
        errors.add(path + ": dangling " + ref);
        return;
      }
      check(target, value, path, errors);
      return;
    }
    if (value == null || value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        errors.add(path + ": null but not nullable");
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          errors.add(path + ": expected object, was " + value.getNodeType());
          return;
        }
        for (JsonNode r : schema.path("required")) {
          if (!value.has(r.asText())) {
            errors.add(path + ": missing required " + r.asText());
          }
        }
        JsonNode props = schema.get("properties");
        JsonNode extra = schema.get("additionalProperties");
        Iterator<String> names = value.fieldNames();
        while (names.hasNext()) {
          String n = names.next();
          if (props != null && props.has(n)) {
            check(props.get(n), value.get(n), path + "." + n, errors);
          } else if (extra != null && extra.isObject()) {
            check(extra, value.get(n), path + "." + n, errors);
          } else if (props != null) {
            errors.add(path + ": undocumented property " + n);
          }
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          errors.add(path + ": expected array, was " + value.getNodeType());
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          errors.add(path + ": expected string, was " + value.getNodeType());
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          errors.add(path + ": expected integer, was " + value.getNodeType());
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          errors.add(path + ": expected number, was " + value.getNodeType());
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          errors.add(path + ": expected boolean, was " + value.getNodeType());
        }
      }
      default -> errors.add(path + ": schema without a type");
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(value);
      }
      if (!found) {
        errors.add(path + ": " + value + " not in " + schema.get("enum"));
      }
    }
  }
}
