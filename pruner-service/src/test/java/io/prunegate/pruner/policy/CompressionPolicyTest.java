package io.prunegate.pruner.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.pruner.chip.ChipKind;
import io.prunegate.pruner.chip.ChipMethod;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.chip.LayerSelection;
import io.prunegate.pruner.jobs.CompressionMethods;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict policy parsing: the shipped k8s policy, every field, and errors that name the field. */
public class CompressionPolicyTest {

  /** The policy.json block of k8s/base/pruner.yaml, cut out of the YAML. */
  public static String k8sPolicy() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "k8s", "base", "pruner.yaml"));
    StringBuilder json = new StringBuilder();
    boolean in = false;
    for (String l : lines) {
      if (l.strip().equals("policy.json: |")) {
        in = true;
        continue;
      }
      if (in) {
        if (l.startsWith("---") || (!l.isBlank() && !l.startsWith("    "))) {
          break;
        }
        json.append(l).append('\n');
      }
    }
    return json.toString();
  }

  @Test
  void readsTheShippedKubernetesPolicy() throws Exception {
    CompressionPolicy p = CompressionPolicy.parse(k8sPolicy());
    assertEquals(1, p.methods().size());
    MethodSpec chip = p.methods().get(0);
    assertEquals("chip", chip.method());
    assertEquals("chip", chip.label());
    assertEquals("methods[0]", chip.field());
    assertEquals(
        Map.of("selection", "tolerance=1.0", "head", "linear", "early_exit", true),
        chip.parameters());
    assertEquals("/data/task/train.jsonl", p.data().train());
    assertEquals(Optional.of("/data/task/validation.jsonl"), p.data().validation());
    assertEquals(Optional.of("/data/task/test.jsonl"), p.data().test());
    assertEquals(1.0, p.acceptance().maxAccuracyDropPoints());
    assertEquals(1.5, p.acceptance().minSpeedup());
    assertEquals("challenger", p.alias());
    assertEquals(Optional.empty(), p.calibration());
    // the service can run it: chip is available and its parameters are valid
    CompressionMethods.builtin().validate(p);
    ChipTuningOptions o = ChipMethod.options(chip, 7, 2);
    assertEquals(ChipKind.LINEAR, o.head());
    assertEquals(new LayerSelection.Shallowest(1.0), o.selection());
    assertTrue(o.earlyExit());
    assertEquals(7, o.seed());
    assertEquals(2, o.threads());
  }

  @Test
  void everyFieldRoundTrips() {
    String json =
        """
        {"methods": [
           {"method": "chip", "selection": "layer=3", "head": "mlp", "pooling": "mean",
            "early_exit": false, "max_train_examples": 200, "batch_size": 16},
           {"method": "chip", "selection": "ratio=0.5"},
           {"method": "finercut", "ratios": [0.25, 0.5]}],
         "data": {"train": "registry:datasets:2/train.tsv", "validation": "v.tsv",
                  "text_column": "body", "label_column": "intent",
                  "validation_fraction": 0.3, "seed": 9},
         "calibration": "registry:datasets:2/wiki.txt",
         "acceptance": {"max_accuracy_drop_points": 2.5, "min_speedup": 1.2},
         "alias": "champion"}
        """;
    CompressionPolicy p = CompressionPolicy.parse(json);
    assertEquals(
        List.of("chip-1", "chip-2", "finercut"),
        p.methods().stream().map(MethodSpec::label).toList());
    assertEquals(List.of(0.25, 0.5), p.methods().get(2).parameters().get("ratios"));
    assertEquals("body", p.data().textColumn());
    assertEquals("intent", p.data().labelColumn());
    assertEquals(0.3, p.data().validationFraction());
    assertEquals(9, p.data().seed());
    assertEquals(Optional.of("registry:datasets:2/wiki.txt"), p.calibration());
    assertEquals(new CompressionPolicy.Acceptance(2.5, 1.2), p.acceptance());
    assertEquals("champion", p.alias());
    CompressionPolicy again = CompressionPolicy.fromMap(p.toMap());
    assertEquals(p, again);
    ChipTuningOptions o = ChipMethod.options(p.methods().get(0), 1, 0);
    assertEquals(new LayerSelection.Fixed(3), o.selection());
    assertEquals(ChipKind.MLP, o.head());
    assertFalse(o.earlyExit());
    assertEquals(200, o.maxTrainExamples());
    assertEquals(16, o.batchSize());
    assertEquals(
        new LayerSelection.TargetRatio(0.5),
        ChipMethod.options(p.methods().get(1), 1, 0).selection());
  }

  @Test
  void defaultsApplyToOptionalFields() {
    CompressionPolicy p =
        CompressionPolicy.parse(
            "{\"methods\":[{\"method\":\"chip\"}],\"data\":{\"train\":\"t.tsv\"}}");
    assertEquals(CompressionPolicy.Acceptance.defaults(), p.acceptance());
    assertEquals("challenger", p.alias());
    assertEquals(Optional.empty(), p.data().validation());
    assertEquals(0.2, p.data().validationFraction());
    assertEquals(
        new LayerSelection.Shallowest(1.0),
        ChipMethod.options(p.methods().get(0), 1, 0).selection());
  }

  @Test
  void theDefaultPolicyUsesTheShippedDataset() {
    CompressionPolicy p = CompressionPolicy.defaultPolicy();
    assertEquals("builtin:support-tickets", p.data().train());
    CompressionMethods.builtin().validate(p);
    assertEquals(p, CompressionPolicy.parse(p.toJson().toString()));
  }

  @Test
  void errorsNameTheField() {
    assertError("", "not valid JSON", "{\"methods\": [");
    assertError("", "must be a JSON object", "[]");
    assertError("method", "unknown field", "{\"method\": [], \"data\": {\"train\": \"t\"}}");
    assertError("methods", "is required", "{\"data\": {\"train\": \"t\"}}");
    assertError("methods", "non-empty list", "{\"methods\": [], \"data\": {\"train\": \"t\"}}");
    assertError(
        "methods[0]",
        "must be a JSON object",
        "{\"methods\": [\"chip\"], \"data\": {\"train\": \"t\"}}");
    assertError(
        "methods[1].method",
        "is required",
        "{\"methods\": [{\"method\": \"chip\"}, {\"selection\": \"layer=2\"}], \"data\": {\"train\": \"t\"}}");
    assertError("data", "is required", "{\"methods\": [{\"method\": \"chip\"}]}");
    assertError(
        "data.train", "is required", "{\"methods\": [{\"method\": \"chip\"}], \"data\": {}}");
    assertError(
        "data.valdation",
        "unknown field",
        "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"t\", \"valdation\": \"v\"}}");
    assertError(
        "data.validation",
        "own splits",
        "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"builtin:support-tickets\", \"validation\": \"v\"}}");
    assertError(
        "data.test",
        "registry:<model>:<version>/<file>",
        "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"t\", \"test\": \"registry:oops\"}}");
    assertError(
        "data.validation_fraction",
        "between 0 and 1",
        "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"t\", \"validation_fraction\": 1.5}}");
    assertError(
        "acceptance.min_speedup",
        "must be a number",
        "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"t\"}, \"acceptance\": {\"min_speedup\": \"fast\"}}");
    assertError(
        "acceptance.max_drop",
        "unknown field",
        "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"t\"}, \"acceptance\": {\"max_drop\": 1}}");
    assertError(
        "alias",
        "'challenger' or 'champion'",
        "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"t\"}, \"alias\": \"shadow\"}");
    assertError(
        "calibration",
        "for data.train only",
        "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"t\"}, \"calibration\": \"builtin:wiki\"}");
  }

  @Test
  void methodParameterErrorsNameTheField() {
    assertMethodError(
        "methods[0].selectio",
        "unknown parameter of method 'chip'",
        "{\"method\": \"chip\", \"selectio\": \"layer=2\"}");
    assertMethodError(
        "methods[0].selection",
        "tolerance=<points>",
        "{\"method\": \"chip\", \"selection\": \"6\"}");
    assertMethodError(
        "methods[0].selection",
        "unknown selection 'depth'",
        "{\"method\": \"chip\", \"selection\": \"depth=6\"}");
    assertMethodError(
        "methods[0].selection",
        "not a number",
        "{\"method\": \"chip\", \"selection\": \"layer=six\"}");
    assertMethodError(
        "methods[0].selection",
        "ratio must be in [0, 1)",
        "{\"method\": \"chip\", \"selection\": \"ratio=1.5\"}");
    assertMethodError(
        "methods[0].head", "unknown chip kind 'cnn'", "{\"method\": \"chip\", \"head\": \"cnn\"}");
    assertMethodError(
        "methods[0].early_exit",
        "true or false",
        "{\"method\": \"chip\", \"early_exit\": \"yes\"}");
    assertMethodError(
        "methods[0].max_train_examples",
        "between 2 and",
        "{\"method\": \"chip\", \"max_train_examples\": 1}");
    assertMethodError(
        "methods[0].method",
        "method 'magic' is not available in this pruner (available: chip, finercut, llm-pruner)",
        "{\"method\": \"magic\"}");
  }

  @Test
  void readsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("policy.json");
    Files.writeString(f, k8sPolicy());
    assertEquals(CompressionPolicy.parse(k8sPolicy()), CompressionPolicy.read(f));
    Files.writeString(f, "{\"methods\": 3, \"data\": {\"train\": \"t\"}}");
    PolicyException e = assertThrows(PolicyException.class, () -> CompressionPolicy.read(f));
    assertEquals("methods", e.field());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    PolicyException missing =
        assertThrows(PolicyException.class, () -> CompressionPolicy.read(dir.resolve("none.json")));
    assertTrue(missing.getMessage().contains("cannot read policy file"), missing.getMessage());
  }

  @Test
  void acceptanceRule() {
    CompressionPolicy.Acceptance a = CompressionPolicy.Acceptance.defaults();
    assertTrue(a.accepts(1.0, 1.5));
    assertTrue(a.accepts(-2.0, 3.0));
    assertFalse(a.accepts(1.01, 2.0));
    assertFalse(a.accepts(0.0, 1.49));
  }

  private static void assertError(String field, String text, String json) {
    PolicyException e = assertThrows(PolicyException.class, () -> CompressionPolicy.parse(json));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  private static void assertMethodError(String field, String text, String methodJson) {
    CompressionPolicy p =
        CompressionPolicy.parse(
            "{\"methods\": [" + methodJson + "], \"data\": {\"train\": \"t\"}}");
    PolicyException e =
        assertThrows(PolicyException.class, () -> CompressionMethods.builtin().validate(p));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }
}
