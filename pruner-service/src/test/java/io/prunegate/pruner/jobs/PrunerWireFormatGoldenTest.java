package io.prunegate.pruner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.pruner.PrunerJson;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.pruner.pareto.ParetoTable;
import io.prunegate.pruner.pareto.VariantMetrics;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.RegistryJson;
import io.prunegate.testing.GoldenFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the bytes of the pruner's JSON: compression policies, variant metrics, the Pareto table, the
 * job result it reports to the registry and its candidate checkpoint, against {@code
 * src/test/resources/golden/pruner}. Run with {@code -Dgolden.update=true} to rewrite the files
 * after an intentional format change.
 */
class PrunerWireFormatGoldenTest {

  private static final GoldenFiles GOLDEN = GoldenFiles.in("pruner");

  @TempDir Path dir;

  static CompressionPolicy fullPolicy() {
    Map<String, Object> chip = new LinkedHashMap<>();
    chip.put("selection", "tolerance=1.0");
    chip.put("head", "linear");
    chip.put("early_exit", true);
    chip.put("depths", List.of(4, 8));
    Map<String, Object> finercut = new LinkedHashMap<>();
    finercut.put("removal_ratio", 0.25);
    return new CompressionPolicy(
        List.of(
            new MethodSpec("chip", chip, "methods[0]", "chip-1"),
            new MethodSpec("finercut", finercut, "methods[1]", "finercut"),
            new MethodSpec("chip", Map.of(), "methods[2]", "chip-3")),
        new CompressionPolicy.DataSpec(
            "data/train.tsv",
            Optional.of("registry:sst2-bge:1/validation.tsv"),
            Optional.of("data/test.jsonl"),
            "sentence",
            "label",
            0.125,
            7),
        Optional.of("data/calibration.txt"),
        new CompressionPolicy.Acceptance(0.5, 1.25),
        CompressionPolicy.CHAMPION);
  }

  static CompressionPolicy minimalPolicy() {
    return new CompressionPolicy(
        List.of(new MethodSpec("finercut", Map.of(), "methods[0]", "finercut")),
        CompressionPolicy.DataSpec.builtin("support-tickets"),
        Optional.empty(),
        CompressionPolicy.Acceptance.defaults(),
        CompressionPolicy.CHALLENGER);
  }

  static VariantMetrics metrics(double accuracy, double throughput, OptionalDouble exit) {
    return new VariantMetrics(
        accuracy, 872, 22_000_000L, 1.5e9, 4.5, 6.25, 96.0, 110.5, throughput, exit);
  }

  static ParetoTable table() {
    return ParetoTable.compare(
        "sst2-bge",
        1,
        new CompressionPolicy.Acceptance(1.0, 1.5),
        List.of(
            new ParetoTable.Entry(
                "base", "base", 1, metrics(0.875, 100.0, OptionalDouble.empty()), true),
            new ParetoTable.Entry(
                "chip-d8", "chip", 2, metrics(0.875, 200.0, OptionalDouble.of(7.5)), false),
            new ParetoTable.Entry(
                "finercut-r25",
                "finercut",
                3,
                metrics(0.75, 400.0, OptionalDouble.empty()),
                false)));
  }

  @Test
  void policies() {
    for (var c :
        List.of(
            Map.entry("policy-full.json", fullPolicy()),
            Map.entry("policy-minimal.json", minimalPolicy()))) {
      GOLDEN.assertMatches(c.getKey(), RegistryJson.write(c.getValue().toJson()));
      assertEquals(c.getValue(), CompressionPolicy.parse(readString(c.getKey())), c.getKey());
      assertEquals(c.getValue(), CompressionPolicy.fromMap(c.getValue().toMap()), c.getKey());
    }
  }

  @Test
  void variantMetrics() {
    var full = metrics(0.875, 333.25, OptionalDouble.of(7.5));
    var minimal = metrics(0.5, 1.0, OptionalDouble.empty());
    for (var c :
        List.of(Map.entry("metrics-full.json", full), Map.entry("metrics-minimal.json", minimal))) {
      GOLDEN.assertMatches(
          c.getKey(), RegistryJson.write(RegistryJson.toTree(c.getValue().toMap())));
      assertEquals(
          c.getValue(),
          VariantMetrics.fromMap(RegistryJson.toMap(RegistryJson.parse(GOLDEN.read(c.getKey())))),
          c.getKey());
    }
  }

  @Test
  void paretoTable() throws IOException {
    GOLDEN.assertMatches("pareto.json", RegistryJson.write(table().toJson()));
    table().write(dir);
    GOLDEN.assertMatches("pareto.json", Files.readAllBytes(dir.resolve(ParetoTable.JSON)));
  }

  @Test
  void jobResult() {
    List<Artifact> report =
        List.of(
            new Artifact(
                "pareto.json",
                "0000000000000000000000000000000000000000000000000000000000000001",
                2048),
            new Artifact(
                "pareto.html",
                "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
                4096));
    Map<String, Object> result = JobRunner.result(table(), fullPolicy(), report);
    GOLDEN.assertMatches("job-result.json", RegistryJson.write(RegistryJson.toTree(result)));
    // the registry hands the result back as plain JSON values (sizes come back as ints): the
    // decoded map must write the same bytes again
    Map<String, Object> back =
        RegistryJson.toMap(RegistryJson.parse(GOLDEN.read("job-result.json")));
    assertEquals(
        readString("job-result.json"), RegistryJson.writeString(RegistryJson.toTree(back)));
    assertEquals(result.keySet(), back.keySet());
    // a client (the demo) binds it back to the record, losing nothing
    assertEquals(result, PrunerJson.toMap(JobResult.fromMap(back)));

    Map<String, Object> none =
        JobRunner.result(
            ParetoTable.compare(
                "m",
                1,
                CompressionPolicy.Acceptance.defaults(),
                List.of(
                    new ParetoTable.Entry(
                        "base", "base", 1, metrics(0.5, 1.0, OptionalDouble.empty()), true))),
            minimalPolicy(),
            List.of());
    GOLDEN.assertMatches("job-result-minimal.json", RegistryJson.write(RegistryJson.toTree(none)));
    assertEquals(
        none, RegistryJson.toMap(RegistryJson.parse(GOLDEN.read("job-result-minimal.json"))));
  }

  /**
   * A job that rejected a candidate for non-finite outputs: the Pareto report and the job result
   * list it with its reason, apart from the compared variants (new golden files: the existing ones
   * have no rejection and keep their bytes).
   */
  @Test
  void rejectedCandidate() throws IOException {
    ParetoTable table =
        ParetoTable.compare(
            "sst2-bge",
            1,
            new CompressionPolicy.Acceptance(1.0, 1.5),
            List.of(
                new ParetoTable.Entry(
                    "base", "base", 1, metrics(0.875, 100.0, OptionalDouble.empty()), true),
                new ParetoTable.Entry(
                    "chip-d8", "chip", 2, metrics(0.875, 200.0, OptionalDouble.of(7.5)), false)),
            List.of(
                new ParetoTable.Rejected(
                    "finercut-r25",
                    "finercut",
                    "non-finite outputs: the chip at layer 6 produced a non-finite probability")));
    GOLDEN.assertMatches("pareto-rejected.json", RegistryJson.write(table.toJson()));
    table.write(dir);
    GOLDEN.assertMatches("pareto-rejected.json", Files.readAllBytes(dir.resolve(ParetoTable.JSON)));
    Map<String, Object> result = JobRunner.result(table, fullPolicy(), List.of());
    GOLDEN.assertMatches(
        "job-result-rejected.json", RegistryJson.write(RegistryJson.toTree(result)));
    assertEquals(
        result, RegistryJson.toMap(RegistryJson.parse(GOLDEN.read("job-result-rejected.json"))));
    assertEquals(
        result,
        PrunerJson.toMap(
            JobResult.fromMap(
                RegistryJson.toMap(RegistryJson.parse(GOLDEN.read("job-result-rejected.json"))))));
  }

  @Test
  void candidateCheckpoint() throws IOException {
    List<Candidate> candidates =
        List.of(
            new Candidate("baseline", bundle("base"), true),
            new Candidate("chip", bundle("chip-d8"), false));
    CandidateCheckpoint.write(dir, "chip", candidates);
    GOLDEN.assertMatches(
        "candidates.json", Files.readAllBytes(dir.resolve(CandidateCheckpoint.FILE)));
    Files.write(dir.resolve(CandidateCheckpoint.FILE), GOLDEN.read("candidates.json"));
    assertEquals(Optional.of(candidates), CandidateCheckpoint.read(dir, "chip"));
  }

  private Path bundle(String name) throws IOException {
    Path b = Files.createDirectories(dir.resolve(name));
    VariantBundle.writeManifest(
        b,
        new BundleManifest(
            BundleManifest.SCHEMA_VERSION,
            name,
            "base",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    return b;
  }

  // ---------------------------------------------------------------- golden files

  private static String readString(String name) {
    return new String(GOLDEN.read(name), StandardCharsets.UTF_8);
  }
}
