package io.prunegate.registry.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ModelEvent;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.registry.Job;
import io.prunegate.registry.NewJob;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the relay puts on the topic: key, headers and the decoded events of every change type. */
@WithKafkaBroker
class OutboxRelayTest {

  @Test
  void everyChangeArrivesKeyedByModelWithIdAndTypeHeaders(EmbeddedKafka kafka, @TempDir Path dir) {
    String topic = "registry-relay-test";
    kafka.createTopic(topic, 3);
    try (TestRegistry registry =
        TestRegistry.start(
            dir,
            v ->
                v.with(RegistryOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers())
                    .with(RegistryOptions.MODEL_EVENTS_TOPIC, topic),
            TestRegistry.quickRelay())) {
      RegistryClient client = registry.client();
      client.registerModel(NewModel.of("news", "jar:bge-small", List.of("world", "sports")));
      client.registerModel(NewModel.of("spam", null, List.of("ham", "spam")));
      client.createVersion(
          "news",
          TestRegistry.files(dir.resolve("n1"), 1, 100, "config.json", "model.safetensors"),
          VersionSpec.base());
      client.createVersion(
          "spam",
          TestRegistry.files(dir.resolve("s1"), 2, 100, "model.safetensors"),
          VersionSpec.base());
      client.createVersion(
          "news",
          TestRegistry.files(dir.resolve("n2"), 3, 100, "chips.safetensors"),
          VersionSpec.derived(1, "chip").withMetrics(Map.of("accuracy", 0.88)));
      client.setAlias("news", "champion", 1);
      client.setAlias("news", "challenger", 2);
      client.deleteAlias("news", "challenger");
      Job job = client.createJob(new NewJob("spam", 1, "finercut", Map.of(), "spam-1-finercut"));
      client.claimJob("w1", Duration.ofMinutes(1), Set.of());
      client.failJob(job.id(), "w1", "no calibration text");

      RegistryServer.OutboxStats stats = registry.server().outboxStats();
      List<ModelEventReader.Received> got =
          ModelEventReader.readUntil(
              kafka.bootstrapServers(),
              topic,
              ModelEventReader.distinct(stats.written()),
              Duration.ofSeconds(60));
      assertEquals(stats.written(), got.size(), "each event once (no outage: no re-sends)");
      Map<String, List<ModelEvent>> byModel = new LinkedHashMap<>();
      for (ModelEventReader.Received r : got) {
        assertEquals(r.event().model(), r.key(), "key = model name");
        assertEquals(r.event().eventId(), r.headerId());
        assertEquals(r.event().type(), r.headerType());
        byModel.computeIfAbsent(r.key(), k -> new java.util.ArrayList<>()).add(r.event());
      }
      assertEquals(
          List.of(
              "model.created",
              "model.registered",
              "variant.registered",
              "alias.moved",
              "alias.moved",
              "alias.deleted"),
          byModel.get("news").stream().map(ModelEvent::type).toList());
      assertEquals(
          List.of("model.created", "model.registered", "job.created", "job.claimed", "job.failed"),
          byModel.get("spam").stream().map(ModelEvent::type).toList());
      for (List<ModelEvent> events : byModel.values()) {
        for (int i = 0; i < events.size(); i++) {
          assertEquals(i + 1, events.get(i).sequence(), "per-model sequence in topic order");
        }
      }
      ModelEvent registered = byModel.get("news").get(1);
      assertEquals("jar:bge-small", registered.details().get("source"));
      assertEquals(List.of("world", "sports"), registered.details().get("labels"));
      assertEquals(2, ((List<?>) registered.details().get("artifacts")).size());
      ModelEvent variant = byModel.get("news").get(2);
      assertEquals(1, variant.parentVersion());
      assertEquals("chip", variant.method());
      ModelEvent failed = byModel.get("spam").get(4);
      assertEquals(job.id(), failed.jobId());
      assertEquals("no calibration text", failed.details().get("error"));
      awaitDrained(registry.server());
    }
  }

  static void awaitDrained(RegistryServer server) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (server.outboxStats().pending() > 0 && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertTrue(server.outboxStats().pending() == 0, "outbox drained");
  }
}
