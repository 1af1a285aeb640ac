package io.prunegate.gateway.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.Topics;
import io.prunegate.gateway.fixtures.GatewayProcess;
import io.prunegate.gateway.fixtures.LabelledSentences;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.LoadTarget;
import io.prunegate.loadtest.PhaseReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The gateway runs as a child JVM and is killed with SIGKILL in the middle of a request stream,
 * then started again (same static group member, so it takes its partitions back at once). In
 * at-least-once mode every request is answered at least once and the duplicates (answers written
 * but not committed before the kill) are counted; in exactly-once mode a read_committed reader sees
 * every request answered exactly once.
 */
@WithKafkaBroker(shared = true)
class CrashRecoveryTest {

  @Test
  void atLeastOnceSurvivesSigkillAndCountsTheDuplicates(EmbeddedKafka kafka) throws Exception {
    PhaseReport r = crashAndRestart(kafka, "crash-alo", "at-least-once");
    assertEquals(Map.of("ok", 3000), r.byStatus(), "every request answered, all ok");
  }

  @Test
  void exactlyOnceSurvivesSigkillWithoutDuplicates(EmbeddedKafka kafka) throws Exception {
    PhaseReport r = crashAndRestart(kafka, "crash-eos", "exactly-once");
    assertEquals(Map.of("ok", 3000), r.byStatus());
    assertEquals(0, r.duplicates(), "read_committed sees each answer once across the crash");
  }

  private static PhaseReport crashAndRestart(EmbeddedKafka kafka, String prefix, String delivery)
      throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel(prefix);
    Topics topics = world.topics(prefix);
    Path dir = world.dir(prefix);
    List<String> args =
        new ArrayList<>(
            List.of(
                "serve",
                "--kafka-bootstrap",
                kafka.bootstrapServers(),
                "--group-id",
                prefix + "-group",
                "--group-instance-id",
                prefix + "-gw",
                "--delivery",
                delivery,
                "--session-timeout",
                "6s",
                "--topic-requests",
                topics.requests(),
                "--topic-results",
                topics.results(),
                "--topic-dlq",
                topics.deadLetter(),
                "--topic-feedback",
                topics.feedback(),
                "--registry-url",
                world.registry().baseUrl(),
                "--registry-token",
                TestWorld.TOKEN,
                "--registry-poll",
                "0s",
                "--cache-dir",
                dir.resolve("cache").toString(),
                "--model",
                model,
                "--warmup-batches",
                "1",
                "--http-port",
                "0"));
    boolean eos = delivery.equals("exactly-once");
    try (GatewayProcess gateway = new GatewayProcess(args, dir.resolve("gateway.log"));
        LoadRun run =
            LoadRun.open(
                new LoadTarget(
                    kafka.bootstrapServers(),
                    topics.requests(),
                    topics.results(),
                    eos,
                    Map.of()))) {
      gateway.start();
      System.out.printf(
          "[%s] child gateway ready in %d ms (pid %d)%n",
          delivery, gateway.lastStartMillis(), gateway.pid());
      LoadPlan stream = LoadPlan.of("stream", 3000, 120, model, LabelledSentences.mixed());
      CompletableFuture<LoadRun.SendStats> sending = run.start(stream);
      int answeredBefore = run.collector().awaitCount(900, Duration.ofMinutes(2));
      long killedAt = System.nanoTime();
      gateway.kill();
      System.out.printf("[%s] SIGKILL after %d answers%n", delivery, answeredBefore);
      gateway.start();
      System.out.printf(
          "[%s] restarted and ready %.1f s after the kill%n",
          delivery, (System.nanoTime() - killedAt) / 1e9);
      PhaseReport r = run.finish(stream, sending.get(), Duration.ofMinutes(3));
      System.out.printf(
          "[%s] crash test: %s%n[%s] duplicates after SIGKILL + restart: %d (%.1f%% of 3000)%n",
          delivery, r, delivery, r.duplicates(), r.duplicates() * 100.0 / 3000);
      assertEquals(
          3000, r.answered(), "every request answered at least once; see " + gateway.log());
      assertTrue(answeredBefore < 3000, "killed mid-stream");
      return r;
    }
  }
}
