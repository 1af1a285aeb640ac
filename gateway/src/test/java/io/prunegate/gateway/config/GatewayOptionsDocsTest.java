package io.prunegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prunegate.config.DocumentedOptions;
import io.prunegate.events.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's README table comes from its declarations; the records default from them too. */
class GatewayOptionsDocsTest {

  @Test
  void readmeTableMatchesTheDeclarations() {
    DocumentedOptions.check(Path.of("README.md"), GatewayOptions.TABLE);
  }

  @Test
  void declaredDefaultsAreTheRecordDefaults() {
    GatewayConfig c = GatewayConfig.from(GatewayOptions.TABLE.defaults());
    assertNull(c.kafka());
    assertNull(c.registry());
    assertEquals(GatewayConfig.Batching.defaults(), c.batching());
    assertEquals(32, c.batching().maxBatchSize());
    assertEquals(GatewayConfig.Http.defaults(), c.http());
    assertEquals(8080, c.http().port());
    assertEquals(4L << 20, c.http().maxBodyBytes());
    GatewayConfig.Kafka k = GatewayConfig.Kafka.from("k:9092", GatewayOptions.TABLE.defaults());
    assertEquals(Topics.defaults(), k.topics());
    assertEquals("prunegate-gateway", k.groupId());
    assertEquals(Delivery.AT_LEAST_ONCE, k.delivery());
    assertEquals(256, k.maxPollRecords());
  }

  @Test
  void bindingErrorsNameTheFlagAndTheVariable() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GatewayOptions.TABLE.bind(Map.of("PRUNEGATE_GATEWAY_CHALLENGER_SHARE", "1.5")));
    assertEquals(
        "--challenger-share / PRUNEGATE_GATEWAY_CHALLENGER_SHARE: challenger share must lie in"
            + " [0, 1], was 1.5",
        e.getMessage());
  }
}
