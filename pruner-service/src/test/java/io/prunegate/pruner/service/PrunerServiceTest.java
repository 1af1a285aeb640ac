package io.prunegate.pruner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.events.ModelEvent;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.pruner.jobs.CompressionJobs;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.Job;
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
 * The service end to end on a real broker, a real registry and the real all-MiniLM-L6-v2. One
 * scenario, in queue order: four jobs with a bad policy or a bad dataset fail with their reason
 * recorded in the registry; the service goes on with the next job, the one the registration of the
 * model created from its {@code model.registered} event, which compresses the model by chip-tuning,
 * registers every variant with lineage and metrics, moves challenger to the best accepted one and
 * attaches the Pareto report; and the events are on Kafka.
 */
@WithKafkaBroker
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrunerServiceTest {

  @TempDir static Path dir;
  static PrunerStack stack;
  static PrunerService service;
  static Job unknownMethod;
  static Job missingFile;
  static Job unknownLabel;
  static Job garbled;
  static Path missing;
  static Path badLabels;
  static long startNanos;

  /**
   * Registers the model while no pruner runs (its event waits on the topic), queues the bad jobs
   * through the registry's job API, then starts the service: it works through the queue in order,
   * the bad jobs first, then the job its listener creates from the waiting event.
   */
  @BeforeAll
  static void start(EmbeddedKafka kafka) throws Exception {
    stack = PrunerStack.start(kafka, dir);
    RegistryClient client = stack.client();
    ModelVersion base = stack.registerMiniLm("tickets");
    assertEquals(1, base.version());
    missing = dir.resolve("missing-train.tsv");
    badLabels = dir.resolve("bad-validation.tsv");
    Path train = Files.createDirectories(dir.resolve("data")).resolve("train.tsv");
    try (var in =
        PrunerServiceTest.class.getResourceAsStream(
            "/prunegate/datasets/support-tickets/train.tsv")) {
      Files.copy(in, train);
    }
    // a validation label the training data never has
    Files.writeString(badLabels, "text\tlabel\nmy parcel never arrived\tshipping-delays\n");
    unknownMethod =
        submit(
            client,
            "{\"methods\": [{\"method\": \"magic\"}], \"data\": {\"train\": \"builtin:support-tickets\"}}",
            "bad-method");
    missingFile =
        submit(
            client,
            "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \"" + missing + "\"}}",
            "missing-file");
    unknownLabel =
        submit(
            client,
            "{\"methods\": [{\"method\": \"chip\"}], \"data\": {\"train\": \""
                + train
                + "\", \"validation\": \""
                + badLabels
                + "\"}}",
            "unknown-label");
    // a stored policy whose structure is wrong (anyone with a token can create jobs)
    garbled =
        client.createJob(
            CompressionJobs.submitted("tickets", 1, Map.of("methods", "chip"), "garbled"));
    startNanos = System.nanoTime();
    service = PrunerService.start(stack.config("e2e", CompressionPolicy.defaultPolicy()));
  }

  private static Job submit(RegistryClient client, String policyJson, String key) {
    Map<String, Object> policy = CompressionPolicy.parse(policyJson).toMap();
    return client.createJob(CompressionJobs.submitted("tickets", 1, policy, key));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    stack.close();
  }

  @Test
  @Order(1)
  void badPolicyAndBadDatasetJobsFailWithTheirReasonInTheRegistry() throws Exception {
    assertTrue(service.awaitEnded(4, Duration.ofMinutes(2)), "the four bad jobs end");
    RegistryClient client = stack.client();
    assertFailed(
        client,
        unknownMethod,
        "reading the policy: policy field 'methods[0].method': method 'magic' is not available"
            + " in this pruner (available: chip, finercut, llm-pruner)");
    assertFailed(
        client,
        missingFile,
        "reading the dataset: policy field 'data.train': file not found: " + missing);
    assertFailed(client, unknownLabel, "reading the dataset: bad dataset: " + badLabels);
    String labelError = client.getJob(unknownLabel.id()).error();
    assertTrue(labelError.contains("label 'shipping-delays'"), labelError);
    assertFailed(
        client, garbled, "reading the policy: policy field 'methods': must be a non-empty list");
    // failed jobs registered nothing
    assertEquals(1, client.getModel("tickets").latestVersion());
  }

  @Test
  @Order(2)
  void theServiceGoesOnAndRegisteringTheModelProducedAChipTunedChallenger() throws Exception {
    assertTrue(service.awaitEnded(5, Duration.ofMinutes(15)), "the model's job ends");
    long seconds = (System.nanoTime() - startNanos) / 1_000_000_000;
    Job job = service.endedJobs().get(4);
    assertEquals(JobState.FINISHED, job.state(), "error: " + job.error());
    System.out.println("the five jobs took " + seconds + " s");

    RegistryClient client = stack.client();
    Job recorded = client.getJob(job.id());
    assertEquals(JobState.FINISHED, recorded.state());
    assertEquals(1.0, recorded.progress());
    assertEquals(1, recorded.attempts());
    assertEquals("worker-e2e", recorded.workerId());
    assertNotNull(recorded.parameters().get(CompressionJobs.EVENT_ID), "created from the event");
    assertEquals(recorded.parameters().get(CompressionJobs.EVENT_ID), recorded.idempotencyKey());
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
    List<Map<String, Object>> rows = (List<Map<String, Object>>) recorded.result().get("variants");
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

    // what Kafka saw, in order: the model's events and those of this job
    List<ModelEvent> all =
        PrunerStack.of(
            stack.readEvents(
                l -> l.stream().anyMatch(e -> e.type().equals("job.finished")),
                Duration.ofSeconds(30)),
            "tickets");
    List<ModelEvent> events =
        all.stream()
            .filter(e -> !e.type().startsWith("job.") || job.id().equals(e.jobId()))
            .toList();
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
    // the failures went out too, each with its reason
    List<ModelEvent> failed = all.stream().filter(e -> e.type().equals("job.failed")).toList();
    assertEquals(
        List.of(unknownMethod.id(), missingFile.id(), unknownLabel.id(), garbled.id()),
        failed.stream().map(ModelEvent::jobId).toList());
    assertEquals(client.getJob(missingFile.id()).error(), failed.get(1).details().get("error"));
  }

  private static void assertFailed(RegistryClient client, Job job, String reasonPrefix) {
    Job j = client.getJob(job.id());
    assertEquals(JobState.FAILED, j.state(), j.toString());
    assertTrue(j.error().startsWith(reasonPrefix), "reason: " + j.error());
  }
}
