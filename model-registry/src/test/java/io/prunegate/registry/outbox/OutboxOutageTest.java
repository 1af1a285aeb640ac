package io.prunegate.registry.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.config.OptionValues;
import io.prunegate.events.ModelEvent;
import io.prunegate.kafka.embedded.BrokerSettings;
import io.prunegate.kafka.embedded.ChildProcessKafka;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.RawHttp;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox under a Kafka outage, with a broker in a child JVM that is killed and restarted. Phase
 * 1: with the broker killed, 50 versions are registered across three models and aliases are moved;
 * after the restart every event arrives, each exactly once after deduplication by id, in sequence
 * order per model. Phase 2: events written while the broker is down survive a restart of the
 * registry itself and are published by the new instance.
 */
class OutboxOutageTest {

  static final String TOPIC = "registry-outage-test";
  static final List<String> MODELS = List.of("alpha", "beta", "gamma");

  @Test
  void eventsWrittenDuringAnOutageArriveOnceInOrderAfterTheBrokerReturns(@TempDir Path dir)
      throws Exception {
    ChildProcessKafka broker =
        ChildProcessKafka.start(BrokerSettings.onFreePorts(dir.resolve("kafka")));
    try {
      broker.createTopic(TOPIC, 3);
      UnaryOperator<OptionValues> config =
          v ->
              v.with(RegistryOptions.KAFKA_BOOTSTRAP, broker.bootstrapServers())
                  .with(RegistryOptions.MODEL_EVENTS_TOPIC, TOPIC);
      Path data = dir.resolve("registry");
      long written;
      try (TestRegistry registry = TestRegistry.start(data, config, TestRegistry.quickRelay())) {
        RegistryClient client = registry.client();
        for (String m : MODELS) {
          client.registerModel(NewModel.of(m, null, List.of("a", "b")));
          client.createVersion(
              m,
              TestRegistry.files(dir.resolve("base-" + m), m.hashCode(), 256, "model.safetensors"),
              VersionSpec.base());
        }
        OutboxRelayTest.awaitDrained(registry.server());
        long before = registry.server().outboxStats().written();

        // ---- phase 1: broker killed, 50 versions and alias moves, broker back
        broker.kill();
        long outageStart = System.nanoTime();
        Map<String, Integer> latest = new LinkedHashMap<>();
        MODELS.forEach(m -> latest.put(m, 1));
        int aliasMoves = 0;
        for (int i = 0; i < 50; i++) {
          String m = MODELS.get(i % MODELS.size());
          ModelVersion v =
              client.createVersion(
                  m,
                  TestRegistry.files(dir.resolve("v" + i), i, 128, "model.safetensors"),
                  VersionSpec.derived(latest.get(m), i % 2 == 0 ? "chip" : "finercut"));
          latest.put(m, v.version());
          if (i % 4 == 3) {
            client.setAlias(m, "challenger", v.version());
            aliasMoves++;
          }
          if (i % 10 == 9) {
            client.setAlias(m, "champion", v.version());
            aliasMoves++;
          }
        }
        RegistryServer.OutboxStats during = registry.server().outboxStats();
        long duringOutage = during.written() - before;
        assertEquals(50 + aliasMoves, duringOutage, "one event per version and per alias move");
        assertTrue(during.pending() >= duringOutage, "nothing could be published: " + during);
        // a broker that is down is a growing backlog in /metrics (the producer retries, so the
        // relay's failure counter need not move)
        assertTrue(
            sample(
                    RawHttp.send(registry.port(), "GET", "/api/v1/metrics", Map.of()).text(),
                    "prunegate_registry_outbox_pending")
                >= duringOutage,
            "the backlog shows in /metrics");
        Thread.sleep(1500); // let the relay fail and back off for real
        broker.start();
        double outageSeconds = (System.nanoTime() - outageStart) / 1e9;
        long t0 = System.nanoTime();
        OutboxRelayTest.awaitDrained(registry.server());
        double drainSeconds = (System.nanoTime() - t0) / 1e9;
        written = registry.server().outboxStats().written();
        // after the outage /metrics shows the backlog relayed and nothing pending
        String metrics = RawHttp.send(registry.port(), "GET", "/api/v1/metrics", Map.of()).text();
        assertTrue(
            sample(metrics, "prunegate_registry_outbox_relayed_total") >= written,
            "every event relayed");
        assertEquals(0.0, sample(metrics, "prunegate_registry_outbox_pending"));
        Report r = verify(broker.bootstrapServers(), written);
        System.out.printf(
            "outage phase 1: broker down %.1f s; events produced during outage %d (50 versions + %d alias"
                + " moves); total produced %d; received %d records, %d distinct, %d duplicates"
                + " dropped by id; per model %s; backlog drained %.1f s after restart%n",
            outageSeconds,
            duringOutage,
            aliasMoves,
            written,
            r.received,
            r.distinct,
            r.received - r.distinct,
            r.perModel,
            drainSeconds);

        // ---- phase 2: broker stopped, events written, registry closed too
        broker.stop();
        for (String m : MODELS) {
          client.setAlias(m, "shadow", 1);
        }
      }
      long phase2 = 3;
      broker.start();
      try (TestRegistry restarted = TestRegistry.start(data, config, TestRegistry.quickRelay())) {
        OutboxRelayTest.awaitDrained(restarted.server());
        long total = restarted.server().outboxStats().written();
        assertEquals(written + phase2, total);
        Report r = verify(broker.bootstrapServers(), total);
        System.out.printf(
            "outage phase 2: %d events written while the broker was stopped, published by a restarted"
                + " registry; total %d received %d distinct %d%n",
            phase2, total, r.received, r.distinct);
      }
    } finally {
      broker.close();
    }
  }

  record Report(long received, long distinct, Map<String, Integer> perModel) {}

  /** Every event once after dedup by id, none missing (sequences 1..n per model), in order. */
  private static Report verify(String bootstrap, long expected) {
    List<ModelEventReader.Received> got =
        ModelEventReader.readUntil(
            bootstrap, TOPIC, ModelEventReader.distinct(expected), Duration.ofSeconds(90));
    Set<String> seen = new HashSet<>();
    Map<String, List<Long>> firstSeen = new TreeMap<>();
    for (ModelEventReader.Received r : got) {
      ModelEvent e = r.event();
      assertEquals(e.model(), r.key());
      assertEquals(e.eventId(), r.headerId());
      if (seen.add(e.eventId())) {
        firstSeen.computeIfAbsent(e.model(), k -> new ArrayList<>()).add(e.sequence());
      }
    }
    assertEquals(expected, seen.size(), "every event arrived (deduplicated by id)");
    Map<String, Integer> perModel = new TreeMap<>();
    for (Map.Entry<String, List<Long>> e : firstSeen.entrySet()) {
      List<Long> seqs = e.getValue();
      for (int i = 0; i < seqs.size(); i++) {
        assertEquals(i + 1L, seqs.get(i), "model " + e.getKey() + ": in order, none missing");
      }
      perModel.put(e.getKey(), seqs.size());
    }
    return new Report(got.size(), seen.size(), perModel);
  }

  /** The value of an unlabelled series in a Prometheus text exposition. */
  private static double sample(String exposition, String series) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError(series + " missing from /metrics");
  }
}
