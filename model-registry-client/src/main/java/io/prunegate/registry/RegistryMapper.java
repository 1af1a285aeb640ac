package io.prunegate.registry;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.prunegate.events.StrictJson;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one configured Jackson mapper of the registry's REST wire family and the binding of JSON
 * trees to its wire records. Parsing is strict (duplicate keys, trailing tokens, non-numeric
 * numbers and nesting deeper than {@link #MAX_NESTING_DEPTH} fail); binding refuses wrong scalar
 * types, fractions for integers and nulls for primitives, and a binding failure becomes a {@link
 * RegistryProblem} whose field is the JSON path Jackson reports (such as {@code
 * artifacts[1].sha256}) and whose message says what was expected and what was found.
 */
final class RegistryMapper {

  /** Deepest nesting of objects and arrays a body may have. */
  static final int MAX_NESTING_DEPTH = 64;

  static final JsonMapper MAPPER =
      StrictJson.builder(MAX_NESTING_DEPTH)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .withCoercionConfig(
              LogicalType.POJO,
              c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
          .build();

  private RegistryMapper() {}

  /**
   * Binds a tree to a wire record. A request reader is strict (a field the record does not have is
   * an "unknown field" problem) so that a misspelt field is an error rather than silently ignored;
   * a response reader ignores unknown fields so that newer servers can add fields.
   */
  static <T> T bind(JsonNode node, Class<T> type, boolean strict) {
    ObjectReader reader = MAPPER.readerFor(type);
    if (strict) {
      reader = reader.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
    try {
      T value = reader.readValue(node);
      if (value == null) {
        throw RegistryProblem.invalid(null, "must be a JSON object, was " + describe(node));
      }
      return value;
    } catch (JsonMappingException e) {
      throw problem(node, e);
    } catch (IOException e) {
      throw RegistryProblem.invalid(null, "unreadable JSON: " + e.getMessage());
    }
  }

  /** The problem a parse failure is: a duplicate key names the key, anything else is malformed. */
  static RegistryProblem parseProblem(JacksonException e) {
    String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    // The parser has just read the repeated name when strict duplicate detection fails.
    if (msg.startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser p) {
      String name = p.getParsingContext().getCurrentName();
      if (name != null) {
        return RegistryProblem.invalid(name, "appears more than once");
      }
    }
    int nl = msg.indexOf('\n');
    return RegistryProblem.invalid(
        null, "malformed JSON: " + (nl < 0 ? msg : msg.substring(0, nl)));
  }

  private static RegistryProblem problem(JsonNode root, JsonMappingException e) {
    List<JsonMappingException.Reference> path = e.getPath();
    String field = path(path);
    if (e instanceof UnrecognizedPropertyException) {
      return RegistryProblem.invalid(field, "unknown field");
    }
    Class<?> target = null;
    if (e instanceof MismatchedInputException m) {
      target = m.getTargetType();
    } else if (e.getCause() instanceof InputCoercionException c) {
      target = c.getTargetType();
    }
    String found = describe(at(root, path));
    if (target == null) {
      return RegistryProblem.invalid(field, "cannot be read from " + found);
    }
    return RegistryProblem.invalid(field, "must be " + expected(target) + ", was " + found);
  }

  /** A Jackson path as a JSON path: {@code artifacts[0].sha256}; null for the root. */
  private static String path(List<JsonMappingException.Reference> path) {
    return StrictJson.path(path);
  }

  /** The value the path leads to in the tree that was bound, or null. */
  private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> path) {
    JsonNode n = root;
    for (JsonMappingException.Reference r : path) {
      if (n == null) {
        return null;
      }
      n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
    }
    return n;
  }

  private static String expected(Class<?> type) {
    if (type == String.class || type == Character.class || type == char.class) {
      return "a string";
    }
    if (type == Long.class
        || type == long.class
        || type == Integer.class
        || type == int.class
        || type == Short.class
        || type == java.math.BigInteger.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "a boolean";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "a JSON object";
  }

  /** How a value is named in a problem: "a string", "an array", "null", "nothing". */
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
