package io.prunegate.gateway.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ClassificationResult;
import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.fixtures.LabelledSentences;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.loadtest.Answer;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.LoadTarget;
import io.prunegate.loadtest.PhaseReport;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The Kafka path against the real broker, registry and MiniLM: at-least-once without a crash
 * answers every request exactly once and commits every offset.
 */
@WithKafkaBroker(shared = true)
class KafkaDeliveryTest {

  @Test
  void tenThousandRequestsOverThreePartitionsAreEachAnsweredExactlyOnce(EmbeddedKafka kafka)
      throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("delivery");
    GatewayConfig config = world.gatewayConfig("delivery", model);
    try (Gateway gateway = Gateway.start(config);
        LoadRun run =
            LoadRun.open(
                LoadTarget.of(
                    kafka.bootstrapServers(),
                    config.kafka().topics().requests(),
                    config.kafka().topics().results()))) {
      assertTrue(gateway.awaitReady(Duration.ofSeconds(60)), "gateway ready");
      LoadPlan plan = LoadPlan.of("all", 10_000, 0, model, LabelledSentences.mixed());
      long t0 = System.nanoTime();
      PhaseReport report = run.run(plan, Duration.ofMinutes(4));
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "10k delivery: %s%n  wall %.1f s, %.0f answers/s overall%n",
          report, seconds, report.answered() / seconds);
      assertEquals(10_000, report.answered(), "every id answered");
      assertEquals(0, report.duplicates(), "no id answered twice");
      assertEquals(Map.of("ok", 10_000), report.byStatus());
      assertNull(gateway.kafkaFailure());

      // Results are keyed like their requests (no key given: the id) and name what answered.
      Set<String> variants =
          run.collector().answers().values().stream()
              .map(Answer::result)
              .map(ClassificationResult::variant)
              .collect(Collectors.toSet());
      assertEquals(Set.of("champion"), variants);
      Set<Integer> exits =
          run.collector().answers().values().stream()
              .map(a -> a.result().exitLayer())
              .collect(Collectors.toSet());
      System.out.println("  exit layers seen: " + exits);

      String metrics = gateway.metrics().scrape();
      assertTrue(
          metrics.contains(
              "prunegate_gateway_consumer_lag{partition=\"0\",topic=\""
                  + config.kafka().topics().requests()
                  + "\"}"),
          "consumer lag per partition");
      assertTrue(
          metrics.contains(
              "prunegate_gateway_latency_drift_ratio{model=\"" + model + "\",version=\"1\"}"),
          "latency drift gauge");
      System.out.printf(
          "  latency drift of version 1: baseline %.2f ms/example, current %.2f ms/example%n",
          gateway.drift().drift(model, 1).baselineMs(),
          gateway.drift().drift(model, 1).currentMs());

      // Every offset is committed once the answers are in (the commit interval is 100 ms).
      assertTrue(
          awaitCommitted(kafka.bootstrapServers(), config, Duration.ofSeconds(10)),
          "committed offsets reach the end of every partition");
    }
  }

  static boolean awaitCommitted(String bootstrap, GatewayConfig config, Duration timeout)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    String topic = config.kafka().topics().requests();
    try (Admin admin = Admin.create(p)) {
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(config.kafka().groupId())
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, OffsetSpec> latest =
            Map.of(
                new TopicPartition(topic, 0), OffsetSpec.latest(),
                new TopicPartition(topic, 1), OffsetSpec.latest(),
                new TopicPartition(topic, 2), OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
            admin.listOffsets(latest).all().get();
        boolean all = true;
        for (var e : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          if (c == null || c.offset() != e.getValue().offset()) {
            all = false;
          }
        }
        if (all) {
          return true;
        }
        Thread.sleep(100);
      }
      return false;
    }
  }
}
