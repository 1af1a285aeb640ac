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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once mode: results and offsets commit in Kafka transactions; a read_committed reader sees
 * every answer once, and the group's offsets reach the end of the partitions.
 */
@WithKafkaBroker(shared = true)
class ExactlyOnceTest {

  @Test
  void transactionsCommitEachAnswerOnceWithItsOffsets(EmbeddedKafka kafka) throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("eos");
    GatewayConfig config =
        GatewayConfig.from(
            world
                .gatewayOptions("eos", model)
                .with(GatewayOptions.DELIVERY, Delivery.EXACTLY_ONCE));
    try (Gateway gateway = Gateway.start(config);
        LoadRun run =
            LoadRun.open(
                new LoadTarget(
                    kafka.bootstrapServers(),
                    config.kafka().topics().requests(),
                    config.kafka().topics().results(),
                    true,
                    Map.of()))) {
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
          KafkaDeliveryTest.awaitCommitted(
              kafka.bootstrapServers(), config, Duration.ofSeconds(10)),
          "transactional offsets reach the end of every partition");
    }
  }
}
