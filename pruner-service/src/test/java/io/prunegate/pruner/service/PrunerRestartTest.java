package io.prunegate.pruner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ModelEvent;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.JobState;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.client.RegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery: the pruner runs as its own process ({@code PrunerMain serve}, configured through
 * the environment), is killed with SIGKILL in the middle of a job after it registered at least one
 * variant, and is started again. The job's lease runs out, the restarted process claims it again,
 * finds the variants registered before by their tags, and completes the job exactly once with
 * exactly one version per variant.
 */
@WithKafkaBroker
class PrunerRestartTest {

  @Test
  void aJobKilledMidwayCompletesOnceAfterARestart(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    try (PrunerStack stack = PrunerStack.start(kafka, dir)) {
      RegistryClient client = stack.client();
      Map<String, String> env =
          Map.ofEntries(
              Map.entry("PRUNEGATE_KAFKA_BOOTSTRAP", kafka.bootstrapServers()),
              Map.entry("PRUNEGATE_REGISTRY_URL", stack.registry().baseUrl()),
              Map.entry("PRUNEGATE_REGISTRY_TOKEN", PrunerStack.TOKEN),
              Map.entry("PRUNEGATE_PRUNER_WORK_DIR", dir.resolve("work").toString()),
              Map.entry("PRUNEGATE_PRUNER_WORKER_ID", "pruner-0"),
              Map.entry("PRUNEGATE_PRUNER_LEASE", "6s"),
              Map.entry("PRUNEGATE_PRUNER_POLL_INTERVAL", "500ms"),
              Map.entry("PRUNEGATE_THREADS", "2"),
              Map.entry("PRUNEGATE_INTEROP_THREADS", "1"),
              Map.entry("PRUNEGATE_PRUNER_LATENCY_ITERATIONS", "3"));
      Job job;
      try (PrunerProcess pruner = new PrunerProcess(env, dir.resolve("pruner.log"))) {
        pruner.start();
        stack.registerMiniLm("restart");
        job = awaitJob(client);

        // kill it once it has registered a variant and is still working on the others
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (variantsOf(client, job).isEmpty()) {
          assertTrue(
              System.nanoTime() < deadline, "no variant registered; log:\n" + pruner.output());
          assertTrue(pruner.isAlive(), "pruner died; log:\n" + pruner.output());
          Thread.sleep(20);
        }
        pruner.kill();
        Job atKill = client.getJob(job.id());
        int registeredBefore = variantsOf(client, job).size();
        assertEquals(JobState.CLAIMED, atKill.state(), "killed during the job");
        assertTrue(registeredBefore < 3, "killed before the last variant: " + registeredBefore);
        System.out.println(
            "killed at "
                + Math.round(atKill.progress() * 100)
                + "% ("
                + atKill.message()
                + ")"
                + " with "
                + registeredBefore
                + " variant(s) registered");

        long t0 = System.nanoTime();
        pruner.start();
        while (!client.getJob(job.id()).state().isTerminal()) {
          assertTrue(System.nanoTime() < deadline, "job never ended; log:\n" + pruner.output());
          Thread.sleep(200);
        }
        System.out.println(
            "restarted job ended " + (System.nanoTime() - t0) / 1_000_000_000 + " s after restart");
      }
      Job done = client.getJob(job.id());
      assertEquals(JobState.FINISHED, done.state(), "error: " + done.error());
      assertEquals(2, done.attempts(), "claimed once before the kill, once after");

      List<ModelVersion> variants = variantsOf(client, done);
      Set<String> names = new HashSet<>();
      variants.forEach(v -> assertTrue(names.add(v.tags().get("variant")), "duplicate " + v));
      assertEquals(Set.of("chip-full", "chip-truncated", "chip-early-exit"), names);
      assertEquals(4, client.getModel("restart").latestVersion(), "base + 3 variants, no more");
      assertEquals(1, client.listJobs(JobQuery.all().withModel("restart")).items().size());

      List<ModelEvent> events =
          PrunerStack.of(
              stack.readEvents(
                  l -> l.stream().anyMatch(e -> e.type().equals("job.finished")),
                  Duration.ofSeconds(30)),
              "restart");
      assertEquals(1, count(events, "job.created"));
      assertEquals(2, count(events, "job.claimed"));
      assertEquals(3, count(events, "variant.registered"), "no variant registered twice");
      assertEquals(1, count(events, "job.finished"));
      assertEquals(0, count(events, "job.failed"));
      Object best = done.result().get("best_version");
      if (best != null) {
        assertEquals(
            ((Number) best).intValue(), client.getAlias("restart", "challenger").version());
      }
    }
  }

  private static Job awaitJob(RegistryClient client) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      List<Job> jobs = client.listJobs(JobQuery.all().withModel("restart")).items();
      if (!jobs.isEmpty()) {
        return jobs.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no job created for the registered model");
  }

  private static List<ModelVersion> variantsOf(RegistryClient client, Job job) {
    return client.listVersions(VersionQuery.of(job.model()).withTag("job", job.id())).items();
  }

  private static long count(List<ModelEvent> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).count();
  }
}
