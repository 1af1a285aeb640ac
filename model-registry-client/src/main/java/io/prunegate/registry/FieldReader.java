package io.prunegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed accessors over one JSON object that name the offending field (a JSON path such as {@code
 * artifacts[1].sha256}) in the {@link RegistryProblem} they throw. A strict reader also rejects
 * fields it does not know, so that a misspelt field in a request is an error rather than silently
 * ignored; responses are read leniently so that newer servers can add fields.
 */
public final class FieldReader {

  private final ObjectNode node;
  private final String prefix;

  private FieldReader(ObjectNode node, String prefix) {
    this.node = node;
    this.prefix = prefix;
  }

  /** A reader that refuses fields outside {@code allowed}. */
  public static FieldReader strict(JsonNode root, String path, Set<String> allowed) {
    FieldReader r = of(root, path);
    Iterator<String> names = r.node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw RegistryProblem.invalid(r.path(name), "unknown field");
      }
    }
    return r;
  }

  /** A reader that ignores unknown fields. */
  public static FieldReader lenient(JsonNode root) {
    return of(root, "");
  }

  private static FieldReader of(JsonNode root, String path) {
    if (root == null || !root.isObject()) {
      throw RegistryProblem.invalid(
          path.isEmpty() ? null : path, "must be a JSON object, was " + describe(root));
    }
    return new FieldReader((ObjectNode) root, path.isEmpty() ? "" : path + ".");
  }

  /** The JSON path of {@code field} in this object. */
  public String path(String field) {
    return prefix + field;
  }

  public boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  public String requiredText(String field) {
    String text = optionalText(field);
    if (text == null) {
      throw RegistryProblem.invalid(path(field), "is required");
    }
    return text;
  }

  public String optionalText(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrongType(field, "a string", v);
    }
    return v.textValue();
  }

  /** Optional text of at most {@code max} characters. */
  public String optionalText(String field, int max) {
    String text = optionalText(field);
    if (text != null && text.length() > max) {
      throw RegistryProblem.invalid(path(field), "must be at most " + max + " characters");
    }
    return text;
  }

  public Integer optionalInt(String field) {
    Long v = optionalLong(field);
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw RegistryProblem.invalid(path(field), "is out of range: " + v);
    }
    return v.intValue();
  }

  public int requiredInt(String field) {
    Integer v = optionalInt(field);
    if (v == null) {
      throw RegistryProblem.invalid(path(field), "is required");
    }
    return v;
  }

  public Long optionalLong(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw wrongType(field, "an integer", v);
    }
    return v.longValue();
  }

  public Double optionalDouble(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw wrongType(field, "a number", v);
    }
    return v.doubleValue();
  }

  /** A nested object as a map of plain Java values; empty when absent. */
  public Map<String, Object> optionalObject(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw wrongType(field, "an object", v);
    }
    return RegistryJson.toMap(v);
  }

  /** A nested object whose values are all strings; empty when absent. */
  public Map<String, String> optionalStringMap(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw wrongType(field, "an object", v);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw RegistryProblem.invalid(
            path(field) + "." + e.getKey(), "must be a string, was " + describe(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  /** A nested array of strings; empty when absent. */
  public List<String> optionalStringList(String field) {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (JsonNode item : optionalArray(field)) {
      if (!item.isTextual()) {
        throw RegistryProblem.invalid(
            path(field) + "[" + i + "]", "must be a string, was " + describe(item));
      }
      out.add(item.textValue());
      i++;
    }
    return out;
  }

  /** A nested array; empty when absent. */
  public List<JsonNode> optionalArray(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw wrongType(field, "an array", v);
    }
    List<JsonNode> out = new ArrayList<>(v.size());
    v.forEach(out::add);
    return out;
  }

  /** The raw value of {@code field}, or null. */
  public JsonNode raw(String field) {
    return node.get(field);
  }

  private RegistryProblem wrongType(String field, String expected, JsonNode v) {
    return RegistryProblem.invalid(path(field), "must be " + expected + ", was " + describe(v));
  }

  static String describe(JsonNode v) {
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
      default -> t.name().toLowerCase(Locale.ROOT);
    };
  }
}
