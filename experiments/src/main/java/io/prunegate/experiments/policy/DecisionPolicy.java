package io.prunegate.experiments.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializationFeature;
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
          .defaultSetterInfo(JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL))
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
      doc = MAPPER.readValue(json, Document.class);
    } catch (UnrecognizedPropertyException e) {
      throw new DecisionPolicyException(
          StrictJson.path(e.getPath()),
          "unknown field (known: " + String.join(", ", known(e)) + ")");
    } catch (JsonMappingException e) {
      String path = StrictJson.path(e.getPath());
      throw new DecisionPolicyException(path == null ? "" : path, e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new DecisionPolicyException("", "not valid JSON: " + e.getOriginalMessage());
    }
    if (doc == null) {
      throw new DecisionPolicyException("", "must be a JSON object, was null");
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

  private static TreeSet<String> known(UnrecognizedPropertyException e) {
    TreeSet<String> names = new TreeSet<>();
    if (e.getKnownPropertyIds() != null) {
      e.getKnownPropertyIds().forEach(id -> names.add(String.valueOf(id)));
    }
    return names;
  }
}
