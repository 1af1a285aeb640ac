package io.prunegate.pruner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.events.ModelEvent;
import io.prunegate.events.Topics;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.JobState;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.client.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service end to end on a real broker, a real registry and the real all-MiniLM-L6-v2: a model
 * registered on the registry is compressed by chip-tuning, every variant is registered with lineage
 * and metrics, challenger moves to the best accepted one, and the events are on Kafka; and jobs
 * with a bad policy or a bad dataset fail with their reason in the registry while the service goes
 * on with the next job.
 */
@WithKafkaBroker
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrunerServiceTest {

  @TempDir static Path dir;
  static PrunerStack stack;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    stack = PrunerStack.start(kafka, dir);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  // first: the event-driven service reads the topic from the beginning, and should see this
  // class's only model.registered event
  @Test
  @Order(1)
  void registeringAModelProducesAChipTunedChallenger() throws Exception {
    CompressionPolicy policy = CompressionPolicy.defaultPolicy();
    try (PrunerService service = PrunerService.start(stack.config("e2e", policy))) {
      assertTrue(service.awaitListening(Duration.ofSeconds(60)));
      long t0 = System.nanoTime();
      ModelVersion base = stack.registerMiniLm("tickets");
      assertEquals(1, base.version());
      assertTrue(service.awaitEnded(1, Duration.ofMinutes(10)), "the job ends");
      long seconds = (System.nanoTime() - t0) / 1_000_000_000;
      Job job = service.endedJobs().get(0);
      assertEquals(JobState.FINISHED, job.state(), "error: " + job.error());
      System.out.println("end-to-end job took " + seconds + " s");

      RegistryClient client = stack.client();
      Job recorded = client.getJob(job.id());
      assertEquals(JobState.FINISHED, recorded.state());
      assertEquals(1.0, recorded.progress());
      assertEquals(1, recorded.attempts());
      assertEquals("worker-e2e", recorded.workerId());

      List<ModelVersion> variants =
          client.listVersions(VersionQuery.of("tickets").withTag("job", job.id())).items();
      Set<String> names = new HashSet<>();
      for (ModelVersion v : variants) {
        ModelVersion full = client.getVersion("tickets", v.version());
        assertEquals(1, full.parentVersion());
        assertEquals("chip", full.method());
        assertEquals(List.of(1), full.lineage().stream().map(s -> s.version()).toList());
        assertTrue(names.add(full.tags().get("variant")), "one version per variant");
        assertEquals(full.tags().get("variant"), full.parameters().get("variant"));
        for (String k :
            List.of(
                "accuracy",
                "parameters",
                "flops_per_token",
                "latency_b1_p50_ms",
                "latency_b32_p50_ms",
                "throughput_per_second",
                "speedup",
                "accuracy_drop_points",
                "accepted")) {
          assertNotNull(full.metrics().get(k), full.tags().get("variant") + " lacks " + k);
        }
        assertTrue(full.artifact("manifest.json").isPresent());
        assertTrue(full.artifact("chips.safetensors").isPresent());
      }
      assertEquals(Set.of("chip-full", "chip-truncated", "chip-early-exit"), names);
      assertEquals(4, client.getModel("tickets").latestVersion(), "base + 3 variants, no more");

      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rows =
          (List<Map<String, Object>>) recorded.result().get("variants");
      assertEquals(3, rows.size());
      assertEquals("chip-full", rows.get(0).get("variant"));
      assertEquals(true, rows.get(0).get("baseline"));
      Object bestVersion = recorded.result().get("best_version");
      assertNotNull(bestVersion, "a variant met the rule: " + rows);
      int best = ((Number) bestVersion).intValue();
      assertEquals(best, client.getAlias("tickets", "challenger").version());
      ModelVersion challenger = client.getVersion("tickets", best);
      assertEquals(true, challenger.metrics().get("accepted"));
      double drop = ((Number) challenger.metrics().get("accuracy_drop_points")).doubleValue();
      double speedup = ((Number) challenger.metrics().get("speedup")).doubleValue();
      assertTrue(drop <= 1.0 + 1e-9 && speedup >= 1.5 - 1e-9, drop + " points, " + speedup + "x");
      System.out.println(
          "job result: " + RegistryJson.writeString(RegistryJson.toTree(recorded.result())));

      // the variant's manifest names its registry parent
      Path cache = dir.resolve("check-cache");
      Path bundle = client.download("tickets", best, cache).directory();
      BundleManifest manifest = VariantBundle.readManifest(bundle);
      assertEquals(new BundleManifest.Lineage("tickets", 1, "tickets"), manifest.lineage());
      VariantBundle.verify(bundle);

      // the Pareto report is attached to the job result and downloadable by sha256
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> report =
          (Map<String, Map<String, Object>>) recorded.result().get("report");
      Map<String, Object> json = report.get("pareto.json");
      Path reportFile = cache.resolve("pareto.json");
      client.downloadArtifact(
          new Artifact(
              "pareto.json", (String) json.get("sha256"), ((Number) json.get("size")).longValue()),
          reportFile);
      JsonNode table = RegistryJson.parse(Files.readAllBytes(reportFile));
      assertEquals(3, table.get("variants").size());
      assertEquals(recorded.result().get("best_variant"), table.get("best").asText());
      assertNotNull(report.get("pareto.html"));

      // what Kafka saw, in order
      List<ModelEvent> events =
          PrunerStack.of(
              stack.readEvents(
                  l ->
                      l.stream()
                          .anyMatch(
                              e -> e.type().equals("job.finished") && e.model().equals("tickets")),
                  Duration.ofSeconds(30)),
              "tickets");
      List<String> types = events.stream().map(ModelEvent::type).toList();
      assertEquals(
          List.of(
              "model.created",
              "model.registered",
              "job.created",
              "job.claimed",
              "variant.registered",
              "variant.registered",
              "variant.registered",
              "alias.moved",
              "job.finished"),
          types);
      ModelEvent moved = events.get(7);
      assertEquals("challenger", moved.alias());
      assertEquals(best, moved.version());
      for (ModelEvent e : events.subList(4, 7)) {
        assertEquals(1, e.parentVersion());
        assertEquals("chip", e.method());
      }
      assertEquals(job.id(), events.get(8).jobId());
    }
  }

  @Test
  @Order(2)
  void badPolicyAndBadDatasetJobsFailWithTheirReasonAndTheServiceGoesOn() throws Exception {
    RegistryClient client = stack.client();
    Path missing = dir.resolve("missing-train.tsv");
    Path badLabels = dir.resolve("bad-validation.tsv");
    Path train = Files.createDirectories(dir.resolve("data")).resolve("train.tsv");
    Files.copy(
        PrunerServiceTest.class.getResourceAsStream(
            "/prunegate/datasets/support-tickets/train.tsv"),
        train);
    // a validation label the training data never has
    Files.writeString(badLabels, "text\tlabel\nmy parcel never arrived\tshipping-delays\n");
    try (PrunerService service =
        PrunerService.start(
            stack
                .config("failures", CompressionPolicy.defaultPolicy())
                .withKafka(null, Topics.defaults(), PrunerConfig.DEFAULT_GROUP_ID))) {
      stack.registerMiniLm("failing");
      Job unknownMethod =
          service.submit(
              "failing",
              1,
              CompressionPolicy.parse(
                  "{\"methods\": [{\"method\": \"magic\"}], \"data\": {\"train\": \"builtin:support-tickets\"}}"),
              "bad-method");
      Job missingFile =
          service.submit(
              "failing",
              1,
              CompressionPolicy.parse(
                  "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \""
                      + missing
                      + "\"}}"),
              "missing-file");
      Job unknownLabel =
          service.submit(
              "failing",
              1,
              CompressionPolicy.parse(
                  "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \""
                      + train
                      + "\", \"validation\": \""
                      + badLabels
                      + "\"}}"),
              "unknown-label");
      // a job whose stored policy is not even valid JSON structure (created through the API)
      Job garbled =
          client.createJob(
              CompressionJobs.submitted("failing", 1, Map.of("methods", "chip"), "garbled"));
      Job good = service.submit("failing", 1, CompressionPolicy.defaultPolicy(), "good");
      assertTrue(service.awaitEnded(5, Duration.ofMinutes(10)), "all five jobs end");

      assertFailed(
          client,
          unknownMethod,
          "reading the policy: policy field 'methods[0].method': method 'magic' is not available"
              + " in this pruner (available: chip, finercut)");
      assertFailed(
          client,
          missingFile,
          "reading the dataset: policy field 'data.train': file not found: " + missing);
      assertFailed(client, unknownLabel, "reading the dataset: bad dataset: " + badLabels);
      assertTrue(
          client.getJob(unknownLabel.id()).error().contains("label 'shipping-delays'"),
          client.getJob(unknownLabel.id()).error());
      assertFailed(
          client, garbled, "reading the policy: policy field 'methods': must be a non-empty list");
      Job after = client.getJob(good.id());
      assertEquals(JobState.FINISHED, after.state(), "error: " + after.error());
      assertNull(after.error());
      // failed jobs registered nothing
      assertEquals(
          3,
          client.listVersions(VersionQuery.of("failing").withTag("variant", null)).items().size());
      assertEquals(5, client.listJobs(JobQuery.all().withModel("failing")).items().size());
      assertFalse(
          Files.exists(dir.resolve("pruner-failures").resolve("jobs").resolve(good.id())),
          "job files deleted");
    }
  }

  private static void assertFailed(RegistryClient client, Job job, String reasonPrefix) {
    Job j = client.getJob(job.id());
    assertEquals(JobState.FAILED, j.state(), j.toString());
    assertTrue(j.error().startsWith(reasonPrefix), "reason: " + j.error());
  }
}
