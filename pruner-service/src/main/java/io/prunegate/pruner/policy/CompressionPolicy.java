package io.prunegate.pruner.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.registry.RegistryJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the pruner does with a newly registered model: which methods to try with which parameters,
 * which labelled data and calibration text to use, when a candidate is good enough, and which alias
 * the best accepted candidate gets. Read strictly from the JSON of {@code k8s/base/pruner.yaml}
 * (every field is described in {@code docs/pruner-service.md}); an unknown or mistyped field fails
 * with a {@link PolicyException} naming it. A job stores the policy it was created with, so a job
 * retried after a restart runs the same policy even if the service's file changed.
 *
 * @param methods the methods to try, in order (at least one)
 * @param data the labelled dataset
 * @param calibration reference of a plain-text calibration file (FinerCut, LLM-Pruner), if any
 * @param acceptance when a candidate may be promoted
 * @param alias the alias the best accepted candidate gets: {@value #CHALLENGER} or {@value
 *     #CHAMPION}
 */
public record CompressionPolicy(
    List<MethodSpec> methods,
    DataSpec data,
    Optional<String> calibration,
    Acceptance acceptance,
    String alias) {

  public static final String CHALLENGER = "challenger";
  public static final String CHAMPION = "champion";

  /** The reference prefix of a dataset shipped with PruneGate ({@code builtin:support-tickets}). */
  public static final String BUILTIN = "builtin:";

  /** The reference prefix of a registry artifact ({@code registry:<model>:<version>/<file>}). */
  public static final String REGISTRY = "registry:";

  private static final List<String> TOP =
      List.of("methods", "data", "calibration", "acceptance", "alias");
  private static final List<String> DATA =
      List.of(
          "train",
          "validation",
          "test",
          "text_column",
          "label_column",
          "validation_fraction",
          "seed");
  private static final List<String> ACCEPTANCE = List.of("max_accuracy_drop_points", "min_speedup");

  public CompressionPolicy {
    methods = List.copyOf(methods);
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(acceptance, "acceptance");
    if (methods.isEmpty()) {
      throw new PolicyException("methods", "must list at least one method");
    }
    if (!CHALLENGER.equals(alias) && !CHAMPION.equals(alias)) {
      throw new PolicyException("alias", "must be 'challenger' or 'champion', was '" + alias + "'");
    }
  }

  /**
   * The labelled data. Each reference is a file path, {@code registry:<model>:<version>/<file>} (an
   * artifact of a registered version) or, for {@code train} only, {@code builtin:<name>} (a dataset
   * shipped with PruneGate, with its own splits).
   *
   * @param train training split (chips are trained on it)
   * @param validation validation split; absent: a stratified {@code validationFraction} of train
   * @param test test split, if any (reported, never used for selection)
   * @param textColumn text column of TSV/CSV/JSONL files; null: inferred
   * @param labelColumn label column; null: inferred
   * @param validationFraction share of train held out when there is no validation file
   * @param seed seed of that split
   */
  public record DataSpec(
      String train,
      Optional<String> validation,
      Optional<String> test,
      String textColumn,
      String labelColumn,
      double validationFraction,
      long seed) {

    public DataSpec {
      Objects.requireNonNull(validation, "validation");
      Objects.requireNonNull(test, "test");
      requireReference(train, "data.train", true);
      validation.ifPresent(v -> requireReference(v, "data.validation", false));
      test.ifPresent(v -> requireReference(v, "data.test", false));
      if (train.startsWith(BUILTIN) && (validation.isPresent() || test.isPresent())) {
        throw new PolicyException(
            "data.validation", "a builtin dataset brings its own splits: drop validation and test");
      }
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new PolicyException(
            "data.validation_fraction", "must be between 0 and 1, was " + validationFraction);
      }
    }

    /** A shipped dataset by name, e.g. {@code support-tickets}. */
    public static DataSpec builtin(String name) {
      return new DataSpec(BUILTIN + name, Optional.empty(), Optional.empty(), null, null, 0.2, 42);
    }

    /** Train and validation files. */
    public static DataSpec files(String train, String validation) {
      return new DataSpec(train, Optional.of(validation), Optional.empty(), null, null, 0.2, 42);
    }
  }

  /**
   * When a candidate may be promoted, both measured against the parent's classifier (its full-depth
   * chip) on this machine.
   *
   * @param maxAccuracyDropPoints most validation accuracy it may lose, in points (1.0 = one
   *     percentage point)
   * @param minSpeedup least throughput gain at batch 32 (1.5 = 50% more examples per second)
   */
  public record Acceptance(double maxAccuracyDropPoints, double minSpeedup) {

    public Acceptance {
      if (!(maxAccuracyDropPoints >= 0 && maxAccuracyDropPoints <= 100)) {
        throw new PolicyException(
            "acceptance.max_accuracy_drop_points",
            "must be between 0 and 100, was " + maxAccuracyDropPoints);
      }
      if (!(minSpeedup > 0 && minSpeedup <= 1000)) {
        throw new PolicyException(
            "acceptance.min_speedup", "must be greater than 0, was " + minSpeedup);
      }
    }

    /** The rule of {@code k8s/base/pruner.yaml}: at most 1.0 point lost, at least 1.5x faster. */
    public static Acceptance defaults() {
      return new Acceptance(1.0, 1.5);
    }

    /** True when a candidate losing {@code dropPoints} at {@code speedup} meets the rule. */
    public boolean accepts(double dropPoints, double speedup) {
      // a tiny tolerance so that 1.0 points measured as 1.0000000002 still passes
      return dropPoints <= maxAccuracyDropPoints + 1e-9 && speedup >= minSpeedup - 1e-9;
    }
  }

  /**
   * The demo's policy: chip-tuning (shallowest layer within 1.0 point, linear chip, early exit) on
   * the shipped support-tickets dataset, the default acceptance rule, challenger alias.
   */
  public static CompressionPolicy defaultPolicy() {
    Map<String, Object> chip = new LinkedHashMap<>();
    chip.put("selection", "tolerance=1.0");
    chip.put("head", "linear");
    chip.put("early_exit", true);
    return new CompressionPolicy(
        List.of(new MethodSpec("chip", chip, "methods[0]", "chip")),
        DataSpec.builtin("support-tickets"),
        Optional.empty(),
        Acceptance.defaults(),
        CHALLENGER);
  }

  /** Reads a policy file. */
  public static CompressionPolicy read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyException("", "cannot read policy file " + file + ": " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (PolicyException e) {
      throw new PolicyException(e.field(), file + ": " + stripPrefix(e));
    }
  }

  private static String stripPrefix(PolicyException e) {
    String m = e.getMessage();
    String prefix = e.field().isEmpty() ? "policy: " : "policy field '" + e.field() + "': ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  /** Parses a policy from JSON text. */
  public static CompressionPolicy parse(String json) {
    JsonNode root;
    try {
      root = RegistryJson.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new PolicyException("", "not valid JSON: " + e.getOriginalMessage());
    }
    return fromJson(root);
  }

  /** Reads a policy from its JSON form as stored in a job's parameters (a map). */
  public static CompressionPolicy fromMap(Object value) {
    if (value == null) {
      throw new PolicyException("", "the job has no policy");
    }
    return fromJson(RegistryJson.mapper().valueToTree(value));
  }

  /** Reads a policy from a JSON tree. */
  public static CompressionPolicy fromJson(JsonNode root) {
    ObjectNode top = object(root, "");
    requireOnly(top, "", TOP);
    List<MethodSpec> methods = methods(top.get("methods"));
    DataSpec data = data(top.get("data"));
    Optional<String> calibration = optionalText(top, "calibration", "calibration");
    calibration.ifPresent(c -> requireReference(c, "calibration", false));
    Acceptance acceptance = Acceptance.defaults();
    if (top.has("acceptance")) {
      ObjectNode a = object(top.get("acceptance"), "acceptance");
      requireOnly(a, "acceptance", ACCEPTANCE);
      acceptance =
          new Acceptance(
              number(
                  a, "max_accuracy_drop_points", "acceptance", acceptance.maxAccuracyDropPoints()),
              number(a, "min_speedup", "acceptance", acceptance.minSpeedup()));
    }
    String alias = optionalText(top, "alias", "alias").orElse(CHALLENGER);
    return new CompressionPolicy(methods, data, calibration, acceptance, alias);
  }

  private static List<MethodSpec> methods(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new PolicyException("methods", "is required");
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new PolicyException("methods", "must be a non-empty list of method objects");
    }
    ArrayNode list = (ArrayNode) node;
    Map<String, Integer> counts = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String field = "methods[" + i + "]";
      ObjectNode m = object(list.get(i), field);
      String name =
          optionalText(m, "method", field)
              .orElseThrow(() -> new PolicyException(field + ".method", "is required"));
      if (!io.prunegate.events.ModelRef.isValidName(name)) {
        throw new PolicyException(field + ".method", "invalid method name '" + name + "'");
      }
      names.add(name);
      counts.merge(name, 1, Integer::sum);
    }
    List<MethodSpec> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      ObjectNode m = (ObjectNode) list.get(i);
      Map<String, Object> params = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = m.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        if (!e.getKey().equals("method")) {
          params.put(e.getKey(), RegistryJson.mapper().convertValue(e.getValue(), Object.class));
        }
      }
      String name = names.get(i);
      String label = counts.get(name) > 1 ? name + "-" + (i + 1) : name;
      out.add(new MethodSpec(name, params, "methods[" + i + "]", label));
    }
    return out;
  }

  private static DataSpec data(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new PolicyException("data", "is required");
    }
    ObjectNode d = object(node, "data");
    requireOnly(d, "data", DATA);
    String train =
        optionalText(d, "train", "data")
            .orElseThrow(() -> new PolicyException("data.train", "is required"));
    double fraction = number(d, "validation_fraction", "data", 0.2);
    JsonNode seed = d.get("seed");
    if (seed != null && !seed.canConvertToLong()) {
      throw new PolicyException("data.seed", "must be an integer, was " + seed);
    }
    return new DataSpec(
        train,
        optionalText(d, "validation", "data"),
        optionalText(d, "test", "data"),
        optionalText(d, "text_column", "data").orElse(null),
        optionalText(d, "label_column", "data").orElse(null),
        fraction,
        seed == null ? 42 : seed.asLong());
  }

  /** This policy as JSON, in the format {@link #parse} reads (stored in job parameters). */
  public ObjectNode toJson() {
    ObjectNode o = RegistryJson.mapper().createObjectNode();
    ArrayNode ms = o.putArray("methods");
    for (MethodSpec m : methods) {
      ObjectNode e = ms.addObject();
      e.put("method", m.method());
      m.parameters().forEach((k, v) -> e.set(k, RegistryJson.mapper().valueToTree(v)));
    }
    ObjectNode d = o.putObject("data");
    d.put("train", data.train());
    data.validation().ifPresent(v -> d.put("validation", v));
    data.test().ifPresent(v -> d.put("test", v));
    if (data.textColumn() != null) {
      d.put("text_column", data.textColumn());
    }
    if (data.labelColumn() != null) {
      d.put("label_column", data.labelColumn());
    }
    d.put("validation_fraction", data.validationFraction());
    d.put("seed", data.seed());
    calibration.ifPresent(c -> o.put("calibration", c));
    ObjectNode a = o.putObject("acceptance");
    a.put("max_accuracy_drop_points", acceptance.maxAccuracyDropPoints());
    a.put("min_speedup", acceptance.minSpeedup());
    o.put("alias", alias);
    return o;
  }

  /** {@link #toJson()} as a map, for {@code NewJob} parameters. */
  public Map<String, Object> toMap() {
    return RegistryJson.toMap(toJson());
  }

  // ------------------------------------------------------------------ strict JSON access

  private static ObjectNode object(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      throw new PolicyException(
          field,
          "must be a JSON object, was "
              + (node == null ? "missing" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    return (ObjectNode) node;
  }

  private static void requireOnly(ObjectNode node, String parent, List<String> known) {
    Set<String> allowed = Set.copyOf(known);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw new PolicyException(
            parent.isEmpty() ? n : parent + "." + n,
            "unknown field (known: " + String.join(", ", known) + ")");
      }
    }
  }

  private static Optional<String> optionalText(ObjectNode node, String name, String parent) {
    JsonNode v = node.get(name);
    String field = parent.isEmpty() || parent.equals(name) ? name : parent + "." + name;
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new PolicyException(field, "must be a non-empty string, was " + v);
    }
    return Optional.of(v.asText().strip());
  }

  private static double number(ObjectNode node, String name, String parent, double fallback) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new PolicyException(parent + "." + name, "must be a number, was " + v);
    }
    return v.asDouble();
  }

  static void requireReference(String ref, String field, boolean builtinAllowed) {
    if (ref == null || ref.isBlank()) {
      throw new PolicyException(field, "is required");
    }
    if (ref.startsWith(BUILTIN)) {
      if (!builtinAllowed) {
        throw new PolicyException(field, "builtin datasets are allowed for data.train only");
      }
      if (ref.length() == BUILTIN.length()) {
        throw new PolicyException(
            field, "'builtin:' needs a dataset name, e.g. builtin:support-tickets");
      }
    } else if (ref.startsWith(REGISTRY)) {
      DataReference.parseRegistry(ref, field);
    }
  }
}
