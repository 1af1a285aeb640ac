package io.prunegate.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.prunegate.gateway.config.Delivery;
import io.prunegate.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GatewayMainTest {

  private static GatewayConfig parse(String... args) {
    CommandLine cl = GatewayMain.commandLine();
    CommandLine.ParseResult r = cl.parseArgs(args);
    return ((GatewayMain.Serve) r.subcommand().commandSpec().userObject()).config();
  }

  @Test
  void flagsMapOntoTheConfiguration() {
    GatewayConfig c =
        parse(
            "serve",
            "--kafka-bootstrap",
            "k:9092",
            "--delivery",
            "exactly-once",
            "--group-instance-id",
            "gw-1",
            "--registry-url",
            "http://r:8081",
            "--model",
            "sentiment,topics",
            "--max-batch",
            "16",
            "--max-queue-delay",
            "5ms",
            "--challenger-share",
            "0.25",
            "--workers",
            "2",
            "--threads",
            "1",
            "--no-early-exit",
            "--http-port",
            "0",
            "--max-body",
            "1m",
            "--topic-requests",
            "x.requests");
    assertEquals("k:9092", c.kafka().bootstrapServers());
    assertEquals(Delivery.EXACTLY_ONCE, c.kafka().delivery());
    assertEquals("gw-1", c.kafka().groupInstanceId());
    assertEquals("x.requests", c.kafka().topics().requests());
    assertEquals("http://r:8081", c.registry().url());
    assertEquals(List.of("sentiment", "topics"), c.models());
    assertEquals(16, c.batching().maxBatchSize());
    assertEquals(Duration.ofMillis(5), c.batching().maxQueueDelay());
    assertEquals(0.25, c.routing().challengerShare());
    assertEquals(2, c.inference().workers());
    assertEquals(1, c.inference().threads());
    assertFalse(c.inference().earlyExit());
    assertEquals(0, c.http().port());
    assertEquals(1 << 20, c.http().maxBodyBytes());
  }

  @Test
  void withoutKafkaOrRegistryItServesHttpOnlyWithTheDocumentedDefaults() {
    // Run where the PRUNEGATE_* variables are unset (as in the test environment).
    GatewayConfig c = parse("serve");
    if (System.getenv("PRUNEGATE_KAFKA_BOOTSTRAP") == null) {
      assertNull(c.kafka());
    }
    if (System.getenv("PRUNEGATE_REGISTRY_URL") == null) {
      assertNull(c.registry());
    }
    assertEquals(GatewayConfig.Batching.defaults(), c.batching());
    assertEquals(GatewayConfig.Routing.defaults(), c.routing());
    assertEquals(GatewayConfig.Inference.defaults(), c.inference());
    assertEquals(GatewayConfig.Resilience.defaults(), c.resilience());
    assertEquals(List.of("champion", "challenger", "shadow"), c.aliases());
  }

  @Test
  void invalidValuesAreRefusedWithTheReason() {
    CommandLine cl = GatewayMain.commandLine();
    int code = cl.execute("serve", "--max-queue-delay", "soon");
    assertEquals(2, code);
  }
}
