package io.prunegate.experiments.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.testing.GoldenFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision policy's JSON: the minimal and the full file pinned by golden files and read back to
 * the same policy, overrides over defaults, and an error naming the field for every invalid one.
 */
class DecisionPolicyTest {

  private static final GoldenFiles GOLDEN = GoldenFiles.in("experiments");

  /** Every field set in the defaults, one model overriding a few, one overriding every field. */
  static DecisionPolicy full() {
    DecisionRules defaults =
        new DecisionRules(0.5, 0.01, 500, Duration.ofDays(14), true, 1.25, 0.5, 0.98, 2000, 20_000);
    Map<String, RuleOverrides> models = new LinkedHashMap<>();
    models.put(
        "support-tickets",
        new RuleOverrides(2.0, null, 100L, "PT36H", false, null, null, null, null, null));
    models.put(
        "sst2", new RuleOverrides(1.0, 0.05, 200L, "P3D", true, 2.0, 1.5, 0.95, 500L, 4000L));
    return new DecisionPolicy(defaults, models);
  }

  private static String text(String golden) {
    return new String(GOLDEN.read(golden), StandardCharsets.UTF_8);
  }

  @Test
  void theMinimalPolicyIsTheDefaults() {
    DecisionPolicy p = DecisionPolicy.parse(text("minimal.json"));
    assertEquals(DecisionPolicy.defaultPolicy(), p);
    DecisionRules r = p.rulesFor("any-model");
    assertEquals(1.0, r.nonInferiorityMarginPoints());
    assertEquals(0.05, r.alpha());
    assertEquals(200, r.minLabelledPerArm());
    assertEquals(Duration.ofDays(7), r.maxDuration());
    assertTrue(r.latencyGuard());
    assertEquals(1.5, r.latencyGuardP99Factor());
    assertEquals(1.0, r.errorRateGuardPoints());
    assertEquals(0.97, r.labelFreeMinAgreement());
    assertEquals(1000, r.labelFreeMinComparisons());
    assertEquals(5000, r.plannedLabelsPerArm());
    // written out, the defaults are pinned too, and read back to the same policy
    GOLDEN.assertMatches("default.json", p.toJson().getBytes(StandardCharsets.UTF_8));
    assertEquals(p, DecisionPolicy.parse(p.toJson()));
  }

  @Test
  void theFullPolicyRoundTrips() {
    DecisionPolicy p = full();
    GOLDEN.assertMatches("full.json", p.toJson().getBytes(StandardCharsets.UTF_8));
    assertEquals(p, DecisionPolicy.parse(text("full.json")));
  }

  @Test
  void aModelsOverridesApplyOverTheDefaults() {
    DecisionPolicy p = DecisionPolicy.parse(text("full.json"));
    DecisionRules tickets = p.rulesFor("support-tickets");
    assertEquals(2.0, tickets.nonInferiorityMarginPoints());
    assertEquals(0.01, tickets.alpha()); // inherited
    assertEquals(100, tickets.minLabelledPerArm());
    assertEquals(Duration.ofHours(36), tickets.maxDuration());
    assertEquals(false, tickets.latencyGuard());
    assertEquals(1.25, tickets.latencyGuardP99Factor()); // inherited
    assertEquals(20_000, tickets.plannedLabelsPerArm()); // inherited
    assertEquals(p.defaults(), p.rulesFor("unlisted"));
    assertEquals(Duration.ofDays(3), p.rulesFor("sst2").maxDuration());
  }

  @Test
  void aFileErrorNamesTheFileAndTheField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.json");
    Files.writeString(file, "{\"defaults\": {\"alpha\": 2}}");
    DecisionPolicyException e =
        assertThrows(DecisionPolicyException.class, () -> DecisionPolicy.read(file));
    assertEquals("defaults.alpha", e.field());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertEquals(DecisionPolicy.defaultPolicy(), DecisionPolicy.read(write(dir, "{}")));
  }

  private static Path write(Path dir, String json) throws Exception {
    Path f = dir.resolve("ok.json");
    Files.writeString(f, json);
    return f;
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad(
            "{\"defaults\": {\"non_inferiority_margin_points\": -1}}",
            "defaults.non_inferiority_margin_points",
            "at least 0"),
        bad(
            "{\"defaults\": {\"non_inferiority_margin_points\": \"1\"}}",
            "defaults.non_inferiority_margin_points",
            "must be a number"),
        bad("{\"defaults\": {\"alpha\": 0}}", "defaults.alpha", "(0, 0.5]"),
        bad("{\"defaults\": {\"alpha\": 0.6}}", "defaults.alpha", "(0, 0.5]"),
        bad("{\"defaults\": {\"alpha\": null}}", "defaults.alpha", "must not be null"),
        bad(
            "{\"defaults\": {\"min_labelled_per_arm\": 10}}",
            "defaults.min_labelled_per_arm",
            "at least 30"),
        bad(
            "{\"defaults\": {\"min_labelled_per_arm\": 200.5}}",
            "defaults.min_labelled_per_arm",
            "must be a whole number"),
        bad("{\"defaults\": {\"max_duration\": \"7 days\"}}", "defaults.max_duration", "ISO-8601"),
        bad("{\"defaults\": {\"max_duration\": \"PT0S\"}}", "defaults.max_duration", "positive"),
        bad(
            "{\"defaults\": {\"max_duration\": 604800}}",
            "defaults.max_duration",
            "must be a string"),
        bad(
            "{\"defaults\": {\"latency_guard\": \"yes\"}}",
            "defaults.latency_guard",
            "must be true or false"),
        bad(
            "{\"defaults\": {\"latency_guard_p99_factor\": 0}}",
            "defaults.latency_guard_p99_factor",
            "(0, 1000]"),
        bad(
            "{\"defaults\": {\"error_rate_guard_points\": -0.5}}",
            "defaults.error_rate_guard_points",
            "between 0 and 100"),
        bad(
            "{\"defaults\": {\"label_free_min_agreement\": 1.5}}",
            "defaults.label_free_min_agreement",
            "(0, 1]"),
        bad(
            "{\"defaults\": {\"label_free_min_comparisons\": 0}}",
            "defaults.label_free_min_comparisons",
            "at least 1"),
        bad(
            "{\"defaults\": {\"planned_labels_per_arm\": 0}}",
            "defaults.planned_labels_per_arm",
            "at least 1"),
        bad("{\"defaults\": {\"margin\": 1}}", "defaults.margin", "unknown field (known: alpha,"),
        bad("{\"model\": {}}", "model", "unknown field (known: defaults, models)"),
        bad("{\"defaults\": []}", "defaults", "must be a JSON object"),
        bad(
            "{\"models\": {\"Support Tickets\": {}}}",
            "models.Support Tickets",
            "not a valid model name"),
        bad("{\"models\": {\"sst2\": {\"alpha\": 2}}}", "models.sst2.alpha", "(0, 0.5]"),
        bad(
            "{\"models\": {\"sst2\": {\"max_duration\": \"soon\"}}}",
            "models.sst2.max_duration",
            "ISO-8601"),
        bad("{\"models\": {\"sst2\": {\"aplha\": 0.1}}}", "models.sst2.aplha", "unknown field"),
        bad("{\"models\": {\"sst2\": null}}", "models.sst2", "must not be null"),
        bad("{\"defaults\": {}", "", "not valid JSON"),
        bad("{} {}", "", "Trailing token"),
        bad("[]", "", "must be a JSON object, was array"));
  }

  private static Arguments bad(String json, String field, String says) {
    return Arguments.of(json, field, says);
  }

  @ParameterizedTest(name = "{1} in {0}")
  @MethodSource("invalid")
  void anInvalidFieldIsNamed(String json, String field, String says) {
    DecisionPolicyException e =
        assertThrows(DecisionPolicyException.class, () -> DecisionPolicy.parse(json));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(says), e.getMessage());
    if (!field.isEmpty()) {
      assertTrue(
          e.getMessage().startsWith("decision policy field '" + field + "': "), e.getMessage());
    }
  }
}
