package io.prunegate.gateway.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.Delivery;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.gateway.fixtures.LabelledSentences;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.LoadTarget;
import io.prunegate.loadtest.PhaseReport;
import io.prunegate.loadtest.ResultCollector;
import io.prunegate.loadtest.SendLog;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once mode: results, shadow answers and offsets commit in Kafka transactions; a
 * read_committed reader sees every answer once and every shadow answer once, and the group's
 * offsets reach the end of the partitions.
 */
@WithKafkaBroker(shared = true)
class ExactlyOnceTest {

  @Test
  void transactionsCommitEachAnswerOnceWithItsOffsets(EmbeddedKafka kafka) throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("eos");
    int shadowVersion = world.registerWorking(model);
    world.client().setAlias(model, "shadow", shadowVersion);
    GatewayConfig config =
        GatewayConfig.from(
            world
                .gatewayOptions("eos", model)
                .with(GatewayOptions.DELIVERY, Delivery.EXACTLY_ONCE)
                .with(GatewayOptions.SHADOW_SHARE, 1.0)
                // every request gets its shadow copy, so the shadow topic must hold all 1500
                .with(GatewayOptions.SHADOW_QUEUE_LIMIT, 2000));
    try (Gateway gateway = Gateway.start(config);
        LoadRun run =
            LoadRun.open(
                new LoadTarget(
                    kafka.bootstrapServers(),
                    config.kafka().topics().requests(),
                    config.kafka().topics().results(),
                    true,
                    Map.of()));
        ResultCollector shadowResults =
            new ResultCollector(
                kafka.bootstrapServers(),
                config.kafka().topics().shadowResults(),
                new SendLog(),
                id -> id.startsWith(run.runId()),
                true)) {
      assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
      PhaseReport r =
          run.run(
              LoadPlan.of("eos", 1500, 0, model, LabelledSentences.mixed()), Duration.ofMinutes(3));
      System.out.println("exactly-once: " + r);
      assertEquals(1500, r.answered());
      assertEquals(0, r.duplicates());
      assertEquals(Map.of("ok", 1500), r.byStatus());
      assertNull(gateway.kafkaFailure());
      assertTrue(
          shadowResults.awaitAnswers(run.collector().answers().keySet(), Duration.ofSeconds(30)),
          "a committed shadow answer for every request");
      assertEquals(run.collector().answers().keySet(), shadowResults.answers().keySet());
      assertEquals(0, shadowResults.duplicates());
      shadowResults
          .answers()
          .values()
          .forEach(
              a -> {
                assertEquals("shadow", a.result().variant());
                assertEquals(shadowVersion, a.result().version());
              });
      assertTrue(
          KafkaDeliveryTest.awaitCommitted(
              kafka.bootstrapServers(), config, Duration.ofSeconds(10)),
          "transactional offsets reach the end of every partition");
    }
  }
}
