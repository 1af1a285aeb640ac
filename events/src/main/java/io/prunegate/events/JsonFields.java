package io.prunegate.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Typed, field-naming accessors over a JSON object: the validation half of the codec. */
final class JsonFields {

  private final ObjectNode node;
  private final String prefix;

  private JsonFields(ObjectNode node, String prefix) {
    this.node = node;
    this.prefix = prefix;
  }

  static JsonFields of(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new InvalidRecordException(
          null, "record must be a JSON object, was " + describe(root == null ? null : root));
    }
    return new JsonFields((ObjectNode) root, "");
  }

  String requiredText(String field) {
    JsonNode v = present(field);
    if (!v.isTextual()) {
      throw wrongType(field, "a string", v);
    }
    return v.textValue();
  }

  String requiredNonEmptyText(String field) {
    String text = requiredText(field);
    if (text.isEmpty()) {
      throw new InvalidRecordException(path(field), "must not be empty");
    }
    return text;
  }

  String optionalText(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrongType(field, "a string", v);
    }
    return v.textValue();
  }

  long requiredLong(String field) {
    return integral(field, present(field));
  }

  Long optionalLong(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : integral(field, v);
  }

  int requiredInt(String field) {
    return toInt(field, requiredLong(field));
  }

  Integer optionalInt(String field) {
    Long v = optionalLong(field);
    return v == null ? null : toInt(field, v);
  }

  double requiredDouble(String field) {
    JsonNode v = present(field);
    if (!v.isNumber()) {
      throw wrongType(field, "a number", v);
    }
    return v.doubleValue();
  }

  boolean optionalBoolean(String field, boolean defaultValue) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.isBoolean()) {
      throw wrongType(field, "a boolean", v);
    }
    return v.booleanValue();
  }

  /** A nested object, or {@code null} when absent. */
  JsonFields optionalObject(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw wrongType(field, "an object", v);
    }
    return new JsonFields((ObjectNode) v, path(field) + ".");
  }

  ObjectNode raw() {
    return node;
  }

  Iterable<String> fieldNames() {
    return node::fieldNames;
  }

  String path(String field) {
    return prefix + field;
  }

  private JsonNode present(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new InvalidRecordException(path(field), "is required");
    }
    return v;
  }

  private long integral(String field, JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw wrongType(field, "an integer", v);
    }
    return v.longValue();
  }

  private int toInt(String field, long v) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new InvalidRecordException(path(field), "is out of range for a 32-bit integer: " + v);
    }
    return (int) v;
  }

  private InvalidRecordException wrongType(String field, String expected, JsonNode v) {
    return new InvalidRecordException(path(field), "must be " + expected + ", was " + describe(v));
  }

  private static String describe(JsonNode v) {
    if (v == null) {
      return "nothing";
    }
    JsonNodeType t = v.getNodeType();
    return switch (t) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> t.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
