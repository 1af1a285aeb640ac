package io.prunegate.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.testing.Promtool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code /metrics} after real traffic follows Prometheus conventions ({@code promtool
 * check metrics}, where the Debian package {@code prometheus} is installed) and carries the
 * documented counters from the start.
 */
@WithKafkaBroker(shared = true)
class MetricsConventionsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void metricsPassPromtoolAndDocumentedCountersExistFromTheStart(EmbeddedKafka kafka)
      throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("metrics");
    GatewayConfig config =
        GatewayConfig.from(
            world.gatewayOptions("metrics", model).with(GatewayOptions.KAFKA_BOOTSTRAP, null));
    try (Gateway gateway = Gateway.start(config)) {
      assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
      post(gateway, "{\"text\":\"I hated it.\",\"model\":\"" + model + "\"}");
      post(gateway, "{\"text\":\"hello\",\"model\":\"no-such-model\"}");
      // one batch of 24 texts registers the per-example latency gauges (batches >= half the max)
      String texts = "\"a fine film\",".repeat(23) + "\"a fine film\"";
      HTTP.send(
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + gateway.httpPort() + "/v2/models/" + model + "/infer"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[24],\"data\":["
                          + texts
                          + "]}]}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      String metrics = get(gateway, "/metrics");
      for (String counter :
          new String[] {
            "prunegate_gateway_fallbacks_total{from=\"challenger\",model=\"" + model + "\"} 0.0",
            "prunegate_gateway_shadow_dropped_total{model=\"" + model + "\"} 0.0",
            "prunegate_gateway_feedback_unmatched_total 0.0",
            "prunegate_gateway_model_load_failures_total{scope=\"all\"} 0.0"
          }) {
        assertTrue(metrics.contains(counter), "documented counter present at 0: " + counter);
      }

      assertTrue(
          metrics.contains("prunegate_gateway_latency_per_example_seconds{"),
          "per-example latency in seconds");
      assertFalse(metrics.contains("_ms{"), "no metric in milliseconds");
      assertFalse(metrics.contains("no-such-model"), "request names are not label values");

      Promtool.assertCleanMetrics(metrics);
    }
  }

  private static String get(Gateway g, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.httpPort() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void post(Gateway g, String body) throws Exception {
    HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.httpPort() + "/v1/classify"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }
}
