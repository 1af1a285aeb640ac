package io.prunegate.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.function.Function;

/**
 * The JSON representation of the registry's REST API, shared by the server and the Java client so
 * that both sides read and write the same shapes: snake_case fields, ISO-8601 timestamps, absent
 * optionals written as null. Request readers ({@code read*Request}) are strict: unknown fields,
 * wrong types and invalid names are a {@link RegistryProblem} naming the field. Response readers
 * are lenient about fields they do not know.
 */
public final class RegistryJson {

  /** Most artifacts one version may have. */
  public static final int MAX_ARTIFACTS = 1000;

  /** Most labels one model may have. */
  public static final int MAX_LABELS = 100_000;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {};

  private RegistryJson() {}

  /** The shared mapper (strict reading, insertion-ordered objects). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

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
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
      if (msg.startsWith("Duplicate field")) {
        String field = msg.replaceAll("^Duplicate field '([^']*)'.*$", "$1");
        throw RegistryProblem.invalid(field, "appears more than once");
      }
      int nl = msg.indexOf('\n');
      throw RegistryProblem.invalid(
          null, "malformed JSON: " + (nl < 0 ? msg : msg.substring(0, nl)));
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
    ObjectNode o = MAPPER.createObjectNode();
    o.put("error", message);
    o.put("field", field);
    return o;
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  private static Instant readTime(FieldReader f, String field) {
    String text = f.optionalText(field);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw RegistryProblem.invalid(f.path(field), "not an ISO-8601 instant: " + text);
    }
  }

  // ------------------------------------------------------------------ models

  /** The JSON of a model. */
  public static ObjectNode model(RegisteredModel m) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", m.name());
    o.put("source", m.source());
    o.put("task", m.task());
    ArrayNode labels = o.putArray("labels");
    m.labels().forEach(labels::add);
    o.put("description", m.description());
    o.put("created_at", time(m.createdAt()));
    o.put("latest_version", m.latestVersion());
    ObjectNode aliases = o.putObject("aliases");
    new java.util.TreeMap<>(m.aliases()).forEach(aliases::put);
    return o;
  }

  /** Reads a model from a response. */
  public static RegisteredModel readModel(JsonNode node) {
    FieldReader f = FieldReader.lenient(node);
    Map<String, Integer> aliases = new LinkedHashMap<>();
    JsonNode a = f.raw("aliases");
    if (a != null && a.isObject()) {
      a.properties().forEach(e -> aliases.put(e.getKey(), e.getValue().intValue()));
    }
    Integer latest = f.optionalInt("latest_version");
    return new RegisteredModel(
        f.requiredText("name"),
        f.optionalText("source"),
        f.optionalText("task"),
        f.optionalStringList("labels"),
        f.optionalText("description"),
        readTime(f, "created_at"),
        latest == null ? 0 : latest,
        aliases);
  }

  /** The body of a model registration. */
  public static ObjectNode newModelRequest(NewModel m) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", m.name());
    o.put("source", m.source());
    o.put("task", m.task());
    ArrayNode labels = o.putArray("labels");
    m.labels().forEach(labels::add);
    o.put("description", m.description());
    return o;
  }

  /** Reads and validates a model registration. */
  public static NewModel readNewModelRequest(JsonNode node) {
    FieldReader f =
        FieldReader.strict(node, "", Set.of("name", "source", "task", "labels", "description"));
    String name = NameRules.requireName(f.requiredText("name"), "name", "model name");
    String source = f.optionalText("source", 2048);
    String task = f.optionalText("task");
    if (task != null) {
      NameRules.requireName(task, "task", "task");
    }
    List<String> labels = f.optionalStringList("labels");
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
    return new NewModel(name, source, task, labels, f.optionalText("description", 4096));
  }

  // ------------------------------------------------------------------ versions

  /** The JSON of an artifact: name, sha256, size. */
  public static ObjectNode artifact(Artifact a) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("name", a.name());
    o.put("sha256", a.sha256());
    o.put("size", a.size());
    return o;
  }

  /** The JSON of a version, lineage included. */
  public static ObjectNode version(ModelVersion v) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("model", v.model());
    o.put("version", v.version());
    o.put("parent_version", v.parentVersion());
    o.put("method", v.method());
    o.set("parameters", toTree(v.parameters()));
    o.set("metrics", toTree(v.metrics()));
    o.set("tags", toTree(v.tags()));
    o.put("description", v.description());
    ArrayNode artifacts = o.putArray("artifacts");
    v.artifacts().forEach(a -> artifacts.add(artifact(a)));
    o.put("created_at", time(v.createdAt()));
    ArrayNode aliases = o.putArray("aliases");
    v.aliases().forEach(aliases::add);
    ArrayNode lineage = o.putArray("lineage");
    for (LineageStep s : v.lineage()) {
      ObjectNode step = lineage.addObject();
      step.put("version", s.version());
      step.put("parent_version", s.parentVersion());
      step.put("method", s.method());
      step.set("metrics", toTree(s.metrics()));
      step.put("created_at", time(s.createdAt()));
    }
    return o;
  }

  /** Reads a version from a response. */
  public static ModelVersion readVersion(JsonNode node) {
    FieldReader f = FieldReader.lenient(node);
    List<Artifact> artifacts = new ArrayList<>();
    for (JsonNode a : f.optionalArray("artifacts")) {
      FieldReader af = FieldReader.lenient(a);
      Long size = af.optionalLong("size");
      artifacts.add(
          new Artifact(
              af.requiredText("name"), af.requiredText("sha256"), size == null ? 0 : size));
    }
    List<LineageStep> lineage = new ArrayList<>();
    for (JsonNode s : f.optionalArray("lineage")) {
      FieldReader sf = FieldReader.lenient(s);
      lineage.add(
          new LineageStep(
              sf.requiredInt("version"),
              sf.optionalInt("parent_version"),
              sf.optionalText("method"),
              sf.optionalObject("metrics"),
              readTime(sf, "created_at")));
    }
    return new ModelVersion(
        f.requiredText("model"),
        f.requiredInt("version"),
        f.optionalInt("parent_version"),
        f.optionalText("method"),
        f.optionalObject("parameters"),
        f.optionalObject("metrics"),
        f.optionalStringMap("tags"),
        f.optionalText("description"),
        artifacts,
        readTime(f, "created_at"),
        f.optionalStringList("aliases"),
        lineage);
  }

  /**
   * A version-creation request: metadata and the artifacts it consists of, each naming a blob
   * uploaded before. {@code size} may be null (the stored blob's size is taken).
   */
  public record VersionRequest(VersionSpec spec, List<ArtifactClaim> artifacts) {}

  /** An artifact as a creation request names it. */
  public record ArtifactClaim(String name, String sha256, Long size) {}

  /** The body of a version creation. */
  public static ObjectNode versionRequest(VersionSpec spec, List<Artifact> artifacts) {
    ObjectNode o = MAPPER.createObjectNode();
    if (spec.parentVersion() != null) {
      o.put("parent_version", spec.parentVersion());
    }
    o.put("method", spec.method());
    o.set("parameters", toTree(spec.parameters()));
    o.set("metrics", toTree(spec.metrics()));
    o.set("tags", toTree(spec.tags()));
    if (spec.description() != null) {
      o.put("description", spec.description());
    }
    if (spec.idempotencyKey() != null) {
      o.put("idempotency_key", spec.idempotencyKey());
    }
    ArrayNode list = o.putArray("artifacts");
    artifacts.forEach(a -> list.add(artifact(a)));
    return o;
  }

  /** Reads and validates a version-creation request. */
  public static VersionRequest readVersionRequest(JsonNode node) {
    FieldReader f =
        FieldReader.strict(
            node,
            "",
            Set.of(
                "parent_version",
                "method",
                "parameters",
                "metrics",
                "tags",
                "description",
                "idempotency_key",
                "artifacts"));
    Integer parent = f.optionalInt("parent_version");
    if (parent != null && parent < 1) {
      throw RegistryProblem.invalid("parent_version", "must be >= 1, was " + parent);
    }
    String method = f.optionalText("method");
    if (method != null) {
      NameRules.requireName(method, "method", "method");
    }
    if (parent != null && (method == null || method.equals(VersionSpec.BASE))) {
      throw RegistryProblem.invalid(
          "method", "a version with a parent_version needs its compression method (not 'base')");
    }
    Map<String, String> tags = f.optionalStringMap("tags");
    if (tags.size() > 1000) {
      throw RegistryProblem.invalid("tags", "at most 1000 tags");
    }
    tags.forEach((k, v) -> NameRules.requireTag(k, v, "tags"));
    String key = idempotencyKey(f.optionalText("idempotency_key"), "idempotency_key");
    List<JsonNode> items = f.optionalArray("artifacts");
    if (items.isEmpty()) {
      throw RegistryProblem.invalid("artifacts", "a version needs at least one artifact");
    }
    if (items.size() > MAX_ARTIFACTS) {
      throw RegistryProblem.invalid("artifacts", "at most " + MAX_ARTIFACTS + " artifacts");
    }
    List<ArtifactClaim> claims = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String path = "artifacts[" + i + "]";
      FieldReader af = FieldReader.strict(items.get(i), path, Set.of("name", "sha256", "size"));
      String name = NameRules.requireArtifactName(af.requiredText("name"), af.path("name"));
      if (!names.add(name)) {
        throw RegistryProblem.invalid(af.path("name"), "duplicate artifact name '" + name + "'");
      }
      String sha = NameRules.requireSha256(af.requiredText("sha256"), af.path("sha256"));
      Long size = af.optionalLong("size");
      if (size != null && size < 0) {
        throw RegistryProblem.invalid(af.path("size"), "must be >= 0");
      }
      claims.add(new ArtifactClaim(name, sha, size));
    }
    VersionSpec spec =
        new VersionSpec(
            parent,
            method,
            f.optionalObject("parameters"),
            f.optionalObject("metrics"),
            tags,
            f.optionalText("description", 4096),
            key);
    return new VersionRequest(spec, claims);
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
    ObjectNode o = MAPPER.createObjectNode();
    o.put("model", a.model());
    o.put("alias", a.alias());
    o.put("version", a.version());
    o.put("updated_at", time(a.updatedAt()));
    return o;
  }

  /** Reads an alias from a response. */
  public static AliasBinding readAlias(JsonNode node) {
    FieldReader f = FieldReader.lenient(node);
    return new AliasBinding(
        f.requiredText("model"),
        f.requiredText("alias"),
        f.requiredInt("version"),
        readTime(f, "updated_at"));
  }

  /** Reads {@code {"version": n}}. */
  public static int readAliasRequest(JsonNode node) {
    FieldReader f = FieldReader.strict(node, "", Set.of("version"));
    int version = f.requiredInt("version");
    if (version < 1) {
      throw RegistryProblem.invalid("version", "must be >= 1, was " + version);
    }
    return version;
  }

  // ------------------------------------------------------------------ jobs

  /** The JSON of a job. */
  public static ObjectNode job(Job j) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", j.id());
    o.put("model", j.model());
    o.put("version", j.version());
    o.put("method", j.method());
    o.set("parameters", toTree(j.parameters()));
    o.put("state", j.state().wireName());
    o.put("worker_id", j.workerId());
    o.put("attempts", j.attempts());
    o.put("lease_expires_at", time(j.leaseExpiresAt()));
    o.put("progress", j.progress());
    o.put("message", j.message());
    o.set("result", toTree(j.result()));
    o.put("error", j.error());
    o.put("idempotency_key", j.idempotencyKey());
    o.put("created_at", time(j.createdAt()));
    o.put("updated_at", time(j.updatedAt()));
    return o;
  }

  /** Reads a job from a response. */
  public static Job readJob(JsonNode node) {
    FieldReader f = FieldReader.lenient(node);
    String stateName = f.requiredText("state");
    JobState state =
        JobState.fromWire(stateName)
            .orElseThrow(() -> RegistryProblem.invalid("state", "unknown state " + stateName));
    Double progress = f.optionalDouble("progress");
    Integer attempts = f.optionalInt("attempts");
    return new Job(
        f.requiredText("id"),
        f.requiredText("model"),
        f.requiredInt("version"),
        f.requiredText("method"),
        f.optionalObject("parameters"),
        state,
        f.optionalText("worker_id"),
        attempts == null ? 0 : attempts,
        readTime(f, "lease_expires_at"),
        progress == null ? 0 : progress,
        f.optionalText("message"),
        f.optionalObject("result"),
        f.optionalText("error"),
        f.optionalText("idempotency_key"),
        readTime(f, "created_at"),
        readTime(f, "updated_at"));
  }

  /** The body of a job creation. */
  public static ObjectNode newJobRequest(NewJob j) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("model", j.model());
    o.put("version", j.version());
    o.put("method", j.method());
    o.set("parameters", toTree(j.parameters()));
    if (j.idempotencyKey() != null) {
      o.put("idempotency_key", j.idempotencyKey());
    }
    return o;
  }

  /** Reads and validates a job creation. */
  public static NewJob readNewJobRequest(JsonNode node) {
    FieldReader f =
        FieldReader.strict(
            node, "", Set.of("model", "version", "method", "parameters", "idempotency_key"));
    String model = NameRules.requireName(f.requiredText("model"), "model", "model name");
    int version = f.requiredInt("version");
    if (version < 1) {
      throw RegistryProblem.invalid("version", "must be >= 1, was " + version);
    }
    String method = NameRules.requireName(f.requiredText("method"), "method", "method");
    return new NewJob(
        model,
        version,
        method,
        f.optionalObject("parameters"),
        idempotencyKey(f.optionalText("idempotency_key"), "idempotency_key"));
  }

  /** Checks a worker id: 1..256 printable ASCII characters. */
  public static String workerId(String id, String field) {
    if (id == null) {
      throw RegistryProblem.invalid(field, "is required");
    }
    if (id.isEmpty() || id.length() > 256 || !id.chars().allMatch(c -> c > 32 && c < 127)) {
      throw RegistryProblem.invalid(field, "a worker id has 1..256 printable ASCII chars");
    }
    return id;
  }

  // ------------------------------------------------------------------ pages

  /** The JSON of a page: items, total, limit, offset. */
  public static <T> ObjectNode page(Page<T> page, Function<T, ObjectNode> item) {
    ObjectNode o = MAPPER.createObjectNode();
    ArrayNode items = o.putArray("items");
    page.items().forEach(t -> items.add(item.apply(t)));
    o.put("total", page.total());
    o.put("limit", page.limit());
    o.put("offset", page.offset());
    return o;
  }

  /** Reads a page from a response. */
  public static <T> Page<T> readPage(JsonNode node, Function<JsonNode, T> item) {
    FieldReader f = FieldReader.lenient(node);
    List<T> items = new ArrayList<>();
    for (JsonNode n : f.optionalArray("items")) {
      items.add(item.apply(n));
    }
    Long total = f.optionalLong("total");
    Integer limit = f.optionalInt("limit");
    Integer offset = f.optionalInt("offset");
    return new Page<>(
        items,
        total == null ? items.size() : total,
        limit == null ? Page.DEFAULT_LIMIT : limit,
        offset == null ? 0 : offset);
  }
}
