package io.prunegate.experiments.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.prunegate.events.ModelRef;
import io.prunegate.events.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * When experiments end: default {@link DecisionRules} and per-model overrides, read strictly from
 * JSON ({@code {"defaults": {...}, "models": {"<model>": {...}}}}, both blocks optional, every
 * field snake_case and described in {@code experiments/README.md}). An unknown, mistyped, null or
 * out-of-range field fails with a {@link DecisionPolicyException} naming it; a model's block is
 * resolved against the defaults when the policy is read, so a bad override fails then and not when
 * that model's first experiment is judged.
 *
 * @param defaults the rules of every model without its own block
 * @param models each model's overrides, as written (only the fields it sets)
 */
public record DecisionPolicy(DecisionRules defaults, Map<String, RuleOverrides> models) {

  // Strict like every PruneGate JSON family, and more: a policy is written by hand, so an unknown
  // field is a typo (refused), and an explicit null is refused rather than read as "inherit".
  private static final JsonMapper MAPPER =
      StrictJson.builder(8)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  /** The file form: both blocks as written. */
  record Document(RuleOverrides defaults, Map<String, RuleOverrides> models) {}

  public DecisionPolicy {
    Objects.requireNonNull(defaults, "defaults");
    Map<String, RuleOverrides> copy = new LinkedHashMap<>();
    models.forEach(
        (name, o) -> {
          if (!ModelRef.isValidName(name)) {
            throw new DecisionPolicyException("models." + name, "not a valid model name");
          }
          defaults.with(Objects.requireNonNull(o, name), "models." + name);
          copy.put(name, o);
        });
    models = Collections.unmodifiableMap(copy);
  }

  /** The policy of an empty file: {@link DecisionRules#DEFAULTS} for every model. */
  public static DecisionPolicy defaultPolicy() {
    return new DecisionPolicy(DecisionRules.DEFAULTS, Map.of());
  }

  /** The rules for experiments on {@code model}: its overrides over the defaults. */
  public DecisionRules rulesFor(String model) {
    return defaults.with(models.get(model), "models." + model);
  }

  /** Parses a policy from JSON text. */
  public static DecisionPolicy parse(String json) {
    Document doc;
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || !tree.isObject()) {
        throw new DecisionPolicyException(
            "",
            "must be a JSON object, was "
                + (tree == null ? "empty" : tree.getNodeType().name().toLowerCase(Locale.ROOT)));
      }
      refuseNulls(tree, "");
      doc = MAPPER.treeToValue(tree, Document.class);
    } catch (UnrecognizedPropertyException e) {
      throw new DecisionPolicyException(
          StrictJson.path(e.getPath()),
          "unknown field (known: " + String.join(", ", known(e)) + ")");
    } catch (JsonMappingException e) {
      String path = StrictJson.path(e.getPath());
      if (path == null) {
        // the document itself, e.g. trailing tokens after the object
        throw new DecisionPolicyException("", e.getOriginalMessage());
      }
      throw new DecisionPolicyException(
          path,
          e instanceof MismatchedInputException m
              ? expected(m.getTargetType())
              : e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new DecisionPolicyException("", "not valid JSON: " + e.getOriginalMessage());
    }
    DecisionRules defaults = DecisionRules.DEFAULTS.with(doc.defaults(), "defaults");
    return new DecisionPolicy(defaults, doc.models() == null ? Map.of() : doc.models());
  }

  /** Reads a policy file; a failure names the file and the field. */
  public static DecisionPolicy read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DecisionPolicyException("", "cannot read " + file + ": " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (DecisionPolicyException e) {
      throw new DecisionPolicyException(e.field(), file + ": " + e.detail());
    }
  }

  /**
   * This policy as JSON in the form {@link #parse} reads: every default written out, each model's
   * block as it was given; UTF-8, two-space indents, a final newline.
   */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(
              new Document(defaults.asOverrides(), models.isEmpty() ? null : models))
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a decision policy", e);
    }
  }

  /**
   * Refuses an explicit JSON null anywhere: a record reads a missing field and a null one alike (as
   * "inherit"), and a null written by hand is more likely a mistake than a wish to inherit.
   */
  private static void refuseNulls(JsonNode node, String path) {
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
      if (f.getValue().isNull()) {
        throw new DecisionPolicyException(at, "must not be null (leave the field out to inherit)");
      }
      refuseNulls(f.getValue(), at);
    }
  }

  /** What a field of {@code type} must be, in the words of the policy's documentation. */
  private static String expected(Class<?> type) {
    if (type == Double.class) {
      return "must be a number";
    }
    if (type == Long.class) {
      return "must be a whole number";
    }
    if (type == Boolean.class) {
      return "must be true or false";
    }
    if (type == String.class) {
      return "must be a string (an ISO-8601 duration such as P7D)";
    }
    return "must be a JSON object";
  }

  private static TreeSet<String> known(UnrecognizedPropertyException e) {
    TreeSet<String> names = new TreeSet<>();
    if (e.getKnownPropertyIds() != null) {
      e.getKnownPropertyIds().forEach(id -> names.add(String.valueOf(id)));
    }
    return names;
  }
}
