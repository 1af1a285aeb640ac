package io.prunegate.registry;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The JSON representation of the registry's REST API, shared by the server and the Java client so
 * that both sides read and write the same shapes: snake_case fields, ISO-8601 timestamps, absent
 * optionals written as null. Bodies are bound to wire records by the registry's Jackson mapper
 * ({@link RegistryMapper}). Request readers ({@code read*Request}) are strict: unknown fields,
 * wrong types and invalid names are a {@link RegistryProblem} naming the field. Response readers
 * are lenient about fields they do not know. Versions and their creation are in {@link
 * VersionJson}, the jobs API's bodies in {@link JobJson}.
 */
public final class RegistryJson {

  /** Most artifacts one version may have. */
  public static final int MAX_ARTIFACTS = 1000;

  /** Most labels one model may have. */
  public static final int MAX_LABELS = 100_000;

  private static final ObjectMapper MAPPER = RegistryMapper.MAPPER;

  private static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {};

  private RegistryJson() {}

  /** The shared mapper (strict reading, insertion-ordered objects). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  // ---------------------------------------------------------------- wire shapes

  // One record per body, in wire field order. Integers are boxed longs so that absence, range and
  // type are told apart and reported with the field; timestamps are text so that they are written
  // as Instant.toString() writes them and a bad one is reported with the field.

  private record ModelWire(
      String name,
      String source,
      String task,
      List<String> labels,
      String description,
      String createdAt,
      Long latestVersion,
      Map<String, Long> aliases) {}

  private record NewModelWire(
      String name, String source, String task, List<String> labels, String description) {}

  private record AliasWire(String model, String alias, Long version, String updatedAt) {}

  private record AliasRequestWire(Long version) {}

  private record TagRequestWire(String value) {}

  private record PageWire(List<JsonNode> items, Long total, Long limit, Long offset) {}

  private record ErrorWire(String error, String field) {}

  // ------------------------------------------------------------------ plumbing

  /** Parses a request or response body; malformed JSON is a {@link RegistryProblem}. */
  public static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw RegistryProblem.invalid(null, "request body is empty, expected a JSON object");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw RegistryProblem.invalid(null, "request body is empty, expected a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw RegistryMapper.parseProblem(e);
    } catch (IOException e) {
      throw RegistryProblem.invalid(null, "unreadable JSON: " + e.getMessage());
    }
  }

  /** Serializes a node to UTF-8 bytes. */
  public static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize JSON", e);
    }
  }

  /** Serializes a node to a string. */
  public static String writeString(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize JSON", e);
    }
  }

  /** A JSON object as plain Java values (maps, lists, strings, numbers, booleans, nulls). */
  public static Map<String, Object> toMap(JsonNode object) {
    Map<String, Object> map = MAPPER.convertValue(object, MAP_TYPE);
    return map == null ? Map.of() : map;
  }

  /** Plain Java values as a JSON tree. */
  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** {@code {"error": message, "field": field}}. */
  public static ObjectNode error(String message, String field) {
    return MAPPER.valueToTree(new ErrorWire(message, field));
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  static Long number(Integer n) {
    return n == null ? null : n.longValue();
  }

  static Instant readTime(String text, String field) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw RegistryProblem.invalid(field, "not an ISO-8601 instant: " + text);
    }
  }

  static String required(String text, String field) {
    if (text == null) {
      throw RegistryProblem.invalid(field, "is required");
    }
    return text;
  }

  static String atMost(String text, String field, int max) {
    if (text != null && text.length() > max) {
      throw RegistryProblem.invalid(field, "must be at most " + max + " characters");
    }
    return text;
  }

  static Integer optionalInt(Long v, String field) {
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw RegistryProblem.invalid(field, "is out of range: " + v);
    }
    return v.intValue();
  }

  static int requiredInt(Long v, String field) {
    Integer i = optionalInt(v, field);
    if (i == null) {
      throw RegistryProblem.invalid(field, "is required");
    }
    return i;
  }

  /** A list of strings; absent is empty, and a null item names its index. */
  static List<String> strings(List<String> list, String field) {
    if (list == null) {
      return List.of();
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw RegistryProblem.invalid(field + "[" + i + "]", "must be a string, was null");
      }
    }
    return list;
  }

  /** A map of strings; absent is empty, and a null value names its key. */
  static Map<String, String> stringMap(Map<String, String> map, String field) {
    if (map == null) {
      return Map.of();
    }
    map.forEach(
        (k, v) -> {
          if (v == null) {
            throw RegistryProblem.invalid(field + "." + k, "must be a string, was null");
          }
        });
    return map;
  }

  /** A list of objects; absent is empty, and a null item names its index. */
  static <T> List<T> objects(List<T> list, String field) {
    if (list == null) {
      return List.of();
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw RegistryProblem.invalid(field + "[" + i + "]", "must be a JSON object, was null");
      }
    }
    return list;
  }

  // ------------------------------------------------------------------ models

  /** The JSON of a model. */
  public static ObjectNode model(RegisteredModel m) {
    Map<String, Long> aliases = new TreeMap<>();
    m.aliases().forEach((alias, version) -> aliases.put(alias, version.longValue()));
    return MAPPER.valueToTree(
        new ModelWire(
            m.name(),
            m.source(),
            m.task(),
            m.labels(),
            m.description(),
            time(m.createdAt()),
            (long) m.latestVersion(),
            aliases));
  }

  /** Reads a model from a response. */
  public static RegisteredModel readModel(JsonNode node) {
    ModelWire w = RegistryMapper.bind(node, ModelWire.class, false);
    Map<String, Integer> aliases = new LinkedHashMap<>();
    if (w.aliases() != null) {
      w.aliases().forEach((alias, v) -> aliases.put(alias, v == null ? 0 : v.intValue()));
    }
    Integer latest = optionalInt(w.latestVersion(), "latest_version");
    return new RegisteredModel(
        required(w.name(), "name"),
        w.source(),
        w.task(),
        strings(w.labels(), "labels"),
        w.description(),
        readTime(w.createdAt(), "created_at"),
        latest == null ? 0 : latest,
        aliases);
  }

  /** The body of a model registration. */
  public static ObjectNode newModelRequest(NewModel m) {
    return MAPPER.valueToTree(
        new NewModelWire(m.name(), m.source(), m.task(), m.labels(), m.description()));
  }

  /** Reads and validates a model registration. */
  public static NewModel readNewModelRequest(JsonNode node) {
    NewModelWire w = RegistryMapper.bind(node, NewModelWire.class, true);
    String name = NameRules.requireName(required(w.name(), "name"), "name", "model name");
    String source = atMost(w.source(), "source", 2048);
    String task = w.task();
    if (task != null) {
      NameRules.requireName(task, "task", "task");
    }
    List<String> labels = strings(w.labels(), "labels");
    if (labels.size() > MAX_LABELS) {
      throw RegistryProblem.invalid("labels", "at most " + MAX_LABELS + " labels");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < labels.size(); i++) {
      String label = labels.get(i);
      if (label.isEmpty() || label.length() > 256) {
        throw RegistryProblem.invalid("labels[" + i + "]", "a label has 1..256 characters");
      }
      if (!seen.add(label)) {
        throw RegistryProblem.invalid("labels[" + i + "]", "duplicate label '" + label + "'");
      }
    }
    return new NewModel(name, source, task, labels, atMost(w.description(), "description", 4096));
  }

  /** Checks an idempotency key (1..256 printable ASCII characters); null stays null. */
  public static String idempotencyKey(String key, String field) {
    if (key == null) {
      return null;
    }
    if (key.isEmpty() || key.length() > 256 || !key.chars().allMatch(c -> c > 32 && c < 127)) {
      throw RegistryProblem.invalid(field, "an idempotency key has 1..256 printable ASCII chars");
    }
    return key;
  }

  // ------------------------------------------------------------------ aliases

  /** The JSON of an alias. */
  public static ObjectNode alias(AliasBinding a) {
    return MAPPER.valueToTree(
        new AliasWire(a.model(), a.alias(), (long) a.version(), time(a.updatedAt())));
  }

  /** Reads an alias from a response. */
  public static AliasBinding readAlias(JsonNode node) {
    AliasWire w = RegistryMapper.bind(node, AliasWire.class, false);
    return new AliasBinding(
        required(w.model(), "model"),
        required(w.alias(), "alias"),
        requiredInt(w.version(), "version"),
        readTime(w.updatedAt(), "updated_at"));
  }

  /** Reads {@code {"version": n}}. */
  public static int readAliasRequest(JsonNode node) {
    AliasRequestWire w = RegistryMapper.bind(node, AliasRequestWire.class, true);
    int version = requiredInt(w.version(), "version");
    if (version < 1) {
      throw RegistryProblem.invalid("version", "must be >= 1, was " + version);
    }
    return version;
  }

  // ------------------------------------------------------------------ tags

  /** The body that sets a tag: {@code {"value": "..."}}. */
  public static ObjectNode tagRequest(String value) {
    return MAPPER.valueToTree(new TagRequestWire(value));
  }

  /** Reads {@code {"value": "..."}}: a string of at most {@link NameRules#MAX_TAG_VALUE} chars. */
  public static String readTagRequest(JsonNode node) {
    TagRequestWire w = RegistryMapper.bind(node, TagRequestWire.class, true);
    return atMost(required(w.value(), "value"), "value", NameRules.MAX_TAG_VALUE);
  }

  // ------------------------------------------------------------------ pages

  /** The JSON of a page: items, total, limit, offset. */
  public static <T> ObjectNode page(Page<T> page, Function<T, ObjectNode> item) {
    List<JsonNode> items = new ArrayList<>();
    page.items().forEach(t -> items.add(item.apply(t)));
    return MAPPER.valueToTree(
        new PageWire(items, page.total(), (long) page.limit(), (long) page.offset()));
  }

  /** Reads a page from a response. */
  public static <T> Page<T> readPage(JsonNode node, Function<JsonNode, T> item) {
    PageWire w = RegistryMapper.bind(node, PageWire.class, false);
    List<T> items = new ArrayList<>();
    if (w.items() != null) {
      for (JsonNode n : w.items()) {
        items.add(item.apply(n));
      }
    }
    Integer limit = optionalInt(w.limit(), "limit");
    Integer offset = optionalInt(w.offset(), "offset");
    return new Page<>(
        items,
        w.total() == null ? items.size() : w.total(),
        limit == null ? Page.DEFAULT_LIMIT : limit,
        offset == null ? 0 : offset);
  }
}
