package io.prunegate.registry;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * are lenient about fields they do not know.
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

  private record ArtifactWire(String name, String sha256, Long size) {}

  private record LineageWire(
      Long version,
      Long parentVersion,
      String method,
      Map<String, Object> metrics,
      String createdAt) {}

  private record VersionWire(
      String model,
      Long version,
      Long parentVersion,
      String method,
      Map<String, Object> parameters,
      Map<String, Object> metrics,
      Map<String, String> tags,
      String description,
      List<ArtifactWire> artifacts,
      String createdAt,
      List<String> aliases,
      List<LineageWire> lineage) {}

  private record VersionRequestWire(
      @JsonInclude(NON_NULL) Long parentVersion,
      String method,
      Map<String, Object> parameters,
      Map<String, Object> metrics,
      Map<String, String> tags,
      @JsonInclude(NON_NULL) String description,
      @JsonInclude(NON_NULL) String idempotencyKey,
      List<ArtifactWire> artifacts) {}

  private record AliasWire(String model, String alias, Long version, String updatedAt) {}

  private record AliasRequestWire(Long version) {}

  private record JobWire(
      String id,
      String model,
      Long version,
      String method,
      Map<String, Object> parameters,
      String state,
      String workerId,
      Long attempts,
      String leaseExpiresAt,
      Double progress,
      String message,
      Map<String, Object> result,
      String error,
      String idempotencyKey,
      String createdAt,
      String updatedAt) {}

  private record NewJobWire(
      String model,
      Long version,
      String method,
      Map<String, Object> parameters,
      @JsonInclude(NON_NULL) String idempotencyKey) {}

  private record PageWire(List<JsonNode> items, Long total, Long limit, Long offset) {}

  private record ErrorWire(String error, String field) {}

  private record ProgressWire(String workerId, Double progress, String message) {}

  private record FinishWire(String workerId, Map<String, Object> result) {}

  private record FailWire(String workerId, String error) {}

  private record ClaimWire(String workerId, Long leaseSeconds, List<String> methods) {}

  private record GcWire(Long graceSeconds, Boolean dryRun) {}

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

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  private static Long number(Integer n) {
    return n == null ? null : n.longValue();
  }

  private static Instant readTime(String text, String field) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw RegistryProblem.invalid(field, "not an ISO-8601 instant: " + text);
    }
  }

  private static String required(String text, String field) {
    if (text == null) {
      throw RegistryProblem.invalid(field, "is required");
    }
    return text;
  }

  private static String atMost(String text, String field, int max) {
    if (text != null && text.length() > max) {
      throw RegistryProblem.invalid(field, "must be at most " + max + " characters");
    }
    return text;
  }

  private static Integer optionalInt(Long v, String field) {
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw RegistryProblem.invalid(field, "is out of range: " + v);
    }
    return v.intValue();
  }

  private static int requiredInt(Long v, String field) {
    Integer i = optionalInt(v, field);
    if (i == null) {
      throw RegistryProblem.invalid(field, "is required");
    }
    return i;
  }

  /** A list of strings; absent is empty, and a null item names its index. */
  private static List<String> strings(List<String> list, String field) {
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
  private static Map<String, String> stringMap(Map<String, String> map, String field) {
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
  private static <T> List<T> objects(List<T> list, String field) {
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

  // ------------------------------------------------------------------ versions

  /** The JSON of an artifact: name, sha256, size. */
  public static ObjectNode artifact(Artifact a) {
    return MAPPER.valueToTree(wire(a));
  }

  private static ArtifactWire wire(Artifact a) {
    return new ArtifactWire(a.name(), a.sha256(), a.size());
  }

  /** The JSON of a version, lineage included. */
  public static ObjectNode version(ModelVersion v) {
    List<LineageWire> lineage = new ArrayList<>();
    for (LineageStep s : v.lineage()) {
      lineage.add(
          new LineageWire(
              (long) s.version(),
              number(s.parentVersion()),
              s.method(),
              s.metrics(),
              time(s.createdAt())));
    }
    return MAPPER.valueToTree(
        new VersionWire(
            v.model(),
            (long) v.version(),
            number(v.parentVersion()),
            v.method(),
            v.parameters(),
            v.metrics(),
            v.tags(),
            v.description(),
            v.artifacts().stream().map(RegistryJson::wire).toList(),
            time(v.createdAt()),
            v.aliases(),
            lineage));
  }

  /** Reads a version from a response. */
  public static ModelVersion readVersion(JsonNode node) {
    VersionWire w = RegistryMapper.bind(node, VersionWire.class, false);
    List<Artifact> artifacts = new ArrayList<>();
    for (ArtifactWire a : objects(w.artifacts(), "artifacts")) {
      artifacts.add(
          new Artifact(
              required(a.name(), "name"),
              required(a.sha256(), "sha256"),
              a.size() == null ? 0 : a.size()));
    }
    List<LineageStep> lineage = new ArrayList<>();
    for (LineageWire s : objects(w.lineage(), "lineage")) {
      lineage.add(
          new LineageStep(
              requiredInt(s.version(), "version"),
              optionalInt(s.parentVersion(), "parent_version"),
              s.method(),
              s.metrics(),
              readTime(s.createdAt(), "created_at")));
    }
    return new ModelVersion(
        required(w.model(), "model"),
        requiredInt(w.version(), "version"),
        optionalInt(w.parentVersion(), "parent_version"),
        w.method(),
        w.parameters(),
        w.metrics(),
        stringMap(w.tags(), "tags"),
        w.description(),
        artifacts,
        readTime(w.createdAt(), "created_at"),
        strings(w.aliases(), "aliases"),
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
    return MAPPER.valueToTree(
        new VersionRequestWire(
            number(spec.parentVersion()),
            spec.method(),
            spec.parameters(),
            spec.metrics(),
            spec.tags(),
            spec.description(),
            spec.idempotencyKey(),
            artifacts.stream().map(RegistryJson::wire).toList()));
  }

  /** Reads and validates a version-creation request. */
  public static VersionRequest readVersionRequest(JsonNode node) {
    VersionRequestWire w = RegistryMapper.bind(node, VersionRequestWire.class, true);
    Integer parent = optionalInt(w.parentVersion(), "parent_version");
    if (parent != null && parent < 1) {
      throw RegistryProblem.invalid("parent_version", "must be >= 1, was " + parent);
    }
    String method = w.method();
    if (method != null) {
      NameRules.requireName(method, "method", "method");
    }
    if (parent != null && (method == null || method.equals(VersionSpec.BASE))) {
      throw RegistryProblem.invalid(
          "method", "a version with a parent_version needs its compression method (not 'base')");
    }
    Map<String, String> tags = stringMap(w.tags(), "tags");
    if (tags.size() > 1000) {
      throw RegistryProblem.invalid("tags", "at most 1000 tags");
    }
    tags.forEach((k, v) -> NameRules.requireTag(k, v, "tags"));
    String key = idempotencyKey(w.idempotencyKey(), "idempotency_key");
    List<ArtifactWire> items = objects(w.artifacts(), "artifacts");
    if (items.isEmpty()) {
      throw RegistryProblem.invalid("artifacts", "a version needs at least one artifact");
    }
    if (items.size() > MAX_ARTIFACTS) {
      throw RegistryProblem.invalid("artifacts", "at most " + MAX_ARTIFACTS + " artifacts");
    }
    List<ArtifactClaim> claims = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String path = "artifacts[" + i + "].";
      ArtifactWire a = items.get(i);
      String name = NameRules.requireArtifactName(required(a.name(), path + "name"), path + "name");
      if (!names.add(name)) {
        throw RegistryProblem.invalid(path + "name", "duplicate artifact name '" + name + "'");
      }
      String sha = NameRules.requireSha256(required(a.sha256(), path + "sha256"), path + "sha256");
      if (a.size() != null && a.size() < 0) {
        throw RegistryProblem.invalid(path + "size", "must be >= 0");
      }
      claims.add(new ArtifactClaim(name, sha, a.size()));
    }
    VersionSpec spec =
        new VersionSpec(
            parent,
            method,
            w.parameters(),
            w.metrics(),
            tags,
            atMost(w.description(), "description", 4096),
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

  // ------------------------------------------------------------------ jobs

  /** The JSON of a job. */
  public static ObjectNode job(Job j) {
    return MAPPER.valueToTree(
        new JobWire(
            j.id(),
            j.model(),
            (long) j.version(),
            j.method(),
            j.parameters(),
            j.state().wireName(),
            j.workerId(),
            (long) j.attempts(),
            time(j.leaseExpiresAt()),
            j.progress(),
            j.message(),
            j.result(),
            j.error(),
            j.idempotencyKey(),
            time(j.createdAt()),
            time(j.updatedAt())));
  }

  /** Reads a job from a response. */
  public static Job readJob(JsonNode node) {
    JobWire w = RegistryMapper.bind(node, JobWire.class, false);
    String stateName = required(w.state(), "state");
    JobState state =
        JobState.fromWire(stateName)
            .orElseThrow(() -> RegistryProblem.invalid("state", "unknown state " + stateName));
    Integer attempts = optionalInt(w.attempts(), "attempts");
    return new Job(
        required(w.id(), "id"),
        required(w.model(), "model"),
        requiredInt(w.version(), "version"),
        required(w.method(), "method"),
        w.parameters(),
        state,
        w.workerId(),
        attempts == null ? 0 : attempts,
        readTime(w.leaseExpiresAt(), "lease_expires_at"),
        w.progress() == null ? 0 : w.progress(),
        w.message(),
        w.result(),
        w.error(),
        w.idempotencyKey(),
        readTime(w.createdAt(), "created_at"),
        readTime(w.updatedAt(), "updated_at"));
  }

  /** The body of a job creation. */
  public static ObjectNode newJobRequest(NewJob j) {
    return MAPPER.valueToTree(
        new NewJobWire(
            j.model(), (long) j.version(), j.method(), j.parameters(), j.idempotencyKey()));
  }

  /** Reads and validates a job creation. */
  public static NewJob readNewJobRequest(JsonNode node) {
    NewJobWire w = RegistryMapper.bind(node, NewJobWire.class, true);
    String model = NameRules.requireName(required(w.model(), "model"), "model", "model name");
    int version = requiredInt(w.version(), "version");
    if (version < 1) {
      throw RegistryProblem.invalid("version", "must be >= 1, was " + version);
    }
    String method = NameRules.requireName(required(w.method(), "method"), "method", "method");
    return new NewJob(
        model,
        version,
        method,
        w.parameters(),
        idempotencyKey(w.idempotencyKey(), "idempotency_key"));
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

  /** A progress report: who reports, the fraction done (required) and a message. */
  public record ProgressRequest(String workerId, double progress, String message) {}

  /** Reads {@code {"worker_id", "progress", "message"}}. */
  public static ProgressRequest readProgressRequest(JsonNode node) {
    ProgressWire w = RegistryMapper.bind(node, ProgressWire.class, true);
    if (w.progress() == null) {
      throw RegistryProblem.invalid("progress", "is required");
    }
    return new ProgressRequest(
        workerId(w.workerId(), "worker_id"), w.progress(), atMost(w.message(), "message", 4096));
  }

  /** A job's finish: who finishes it and its result (empty when absent). */
  public record FinishRequest(String workerId, Map<String, Object> result) {

    public FinishRequest {
      result = JsonMaps.object(result);
    }
  }

  /** Reads {@code {"worker_id", "result"}}. */
  public static FinishRequest readFinishRequest(JsonNode node) {
    FinishWire w = RegistryMapper.bind(node, FinishWire.class, true);
    return new FinishRequest(workerId(w.workerId(), "worker_id"), w.result());
  }

  /** A job's failure: who fails it and why. */
  public record FailRequest(String workerId, String error) {}

  /** Reads {@code {"worker_id", "error"}}; the error is required and not blank. */
  public static FailRequest readFailRequest(JsonNode node) {
    FailWire w = RegistryMapper.bind(node, FailWire.class, true);
    String error = atMost(w.error(), "error", 8192);
    if (error == null || error.isBlank()) {
      throw RegistryProblem.invalid("error", "is required");
    }
    return new FailRequest(workerId(w.workerId(), "worker_id"), error);
  }

  /**
   * A claim: who claims, for how long (null for the server's default) and which methods it runs
   * (empty for any).
   */
  public record ClaimRequest(String workerId, Integer leaseSeconds, List<String> methods) {

    public ClaimRequest {
      methods = JsonMaps.list(methods);
    }
  }

  /** Reads {@code {"worker_id", "lease_seconds", "methods"}}; method names are not checked here. */
  public static ClaimRequest readClaimRequest(JsonNode node) {
    ClaimWire w = RegistryMapper.bind(node, ClaimWire.class, true);
    String worker = workerId(w.workerId(), "worker_id");
    return new ClaimRequest(
        worker, optionalInt(w.leaseSeconds(), "lease_seconds"), strings(w.methods(), "methods"));
  }

  /**
   * A garbage collection: the grace period in seconds and whether to only report; both optional.
   */
  public record GcRequest(Long graceSeconds, Boolean dryRun) {}

  /** Reads {@code {"grace_seconds", "dry_run"}}. */
  public static GcRequest readGcRequest(JsonNode node) {
    GcWire w = RegistryMapper.bind(node, GcWire.class, true);
    return new GcRequest(w.graceSeconds(), w.dryRun());
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
