package io.prunegate.registry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewJob;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.RawHttp;
import io.prunegate.registry.RawHttp.Response;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.testing.Promtool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's {@code /api/v1/metrics} after real traffic: requests under their route templates
 * with method and status, unrouted requests only counted (their paths add no series), artifact
 * bytes both ways, outbox and job gauges read from the database, the pool's meters, open even when
 * reads need a token, and clean for {@code promtool check metrics} (where the Debian package {@code
 * prometheus} is installed).
 */
class RegistryMetricsTest {

  private static final String H = "prunegate_registry_http_request_duration_seconds";
  private static final Pattern ROUTE = Pattern.compile("route=\"([^\"]*)\"");

  @TempDir Path dir;

  @Test
  void metricsCountTrafficUnderRouteTemplatesAndPassPromtool() throws Exception {
    try (TestRegistry registry = TestRegistry.start(dir.resolve("registry"))) {
      int port = registry.port();
      RegistryClient client = registry.client();
      client.registerModel(NewModel.of("metered", null, java.util.List.of("a", "b")));
      Path files = TestRegistry.files(dir.resolve("files"), 7, 500, "config.json", "model.bin");
      ModelVersion v1 = client.createVersion("metered", files, VersionSpec.base());
      client.createJob(new NewJob("metered", 1, "chip", Map.of(), null));
      client.createJob(new NewJob("metered", 1, "finercut", Map.of(), null));
      client.claimJob("w1", Duration.ofMinutes(5));
      Artifact a = v1.artifacts().get(0);
      assertEquals(
          200, RawHttp.send(port, "GET", "/api/v1/artifacts/" + a.sha256(), Map.of()).status());
      assertEquals(
          206,
          RawHttp.send(port, "GET", "/api/v1/artifacts/" + a.sha256(), Map.of("Range", "bytes=0-9"))
              .status());
      assertEquals(
          200, RawHttp.send(port, "HEAD", "/api/v1/artifacts/" + a.sha256(), Map.of()).status());
      assertEquals(404, RawHttp.send(port, "GET", "/api/v1/models/nope", Map.of()).status());
      assertEquals(
          401,
          RawHttp.send(
                  port,
                  "POST",
                  "/api/v1/models",
                  Map.of("Content-Type", "application/json"),
                  "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                  false)
              .status());

      Response first = RawHttp.send(port, "GET", "/api/v1/metrics", Map.of());
      assertEquals(200, first.status());
      assertTrue(
          first.headers().get("content-type").startsWith("text/plain; version=0.0.4"),
          first.headers().toString());
      Map<String, Double> m = parse(first.text());

      assertEquals(
          1.0, m.get(H + "_count{method=\"POST\",route=\"/api/v1/models\",status=\"201\"}"));
      assertEquals(
          1.0, m.get(H + "_count{method=\"POST\",route=\"/api/v1/models\",status=\"401\"}"));
      assertEquals(
          1.0,
          m.get(H + "_count{method=\"GET\",route=\"/api/v1/models/{name}\",status=\"404\"}"),
          "a refusal is recorded under the route's template, not the path");
      assertEquals(2.0, m.get(H + "_count{method=\"POST\",route=\"/api/v1/jobs\",status=\"201\"}"));
      assertEquals(
          1.0,
          m.get(H + "_count{method=\"HEAD\",route=\"/api/v1/artifacts/{sha256}\",status=\"200\"}"));
      assertEquals(
          1.0,
          m.get(H + "_count{method=\"GET\",route=\"/api/v1/artifacts/{sha256}\",status=\"206\"}"));
      assertTrue(
          m.containsKey(
              H + "_bucket{method=\"POST\",route=\"/api/v1/models\",status=\"201\",le=\"0.005\"}"),
          "fixed histogram buckets in seconds");
      assertFalse(first.text().contains("metered"), "model names are not label values");

      assertEquals(1000.0, m.get("prunegate_registry_artifact_uploaded_bytes_total"));
      assertEquals(510.0, m.get("prunegate_registry_artifact_downloaded_bytes_total"));
      assertEquals(1.0, m.get("prunegate_registry_jobs{state=\"pending\"}"));
      assertEquals(1.0, m.get("prunegate_registry_jobs{state=\"claimed\"}"));
      assertEquals(0.0, m.get("prunegate_registry_jobs{state=\"finished\"}"));
      assertEquals(0.0, m.get("prunegate_registry_jobs{state=\"failed\"}"));
      // no Kafka here: every event written (model, version, 2 jobs, a claim) is still pending
      assertEquals(5.0, m.get("prunegate_registry_outbox_pending"));
      assertEquals(0.0, m.get("prunegate_registry_outbox_relayed_total"));
      assertEquals(0.0, m.get("prunegate_registry_outbox_relay_failures_total"));
      assertEquals(0.0, m.get("prunegate_registry_http_unmatched_requests_total"));
      assertTrue(
          m.containsKey("hikaricp_connections_max{pool=\"registry-db\"}"), "pool meters bound");

      // unknown paths and methods: counted, but they add no series
      Set<String> documented = documentedTemplates(port);
      for (String target :
          new String[] {"/api/v1/no-such-route-4711", "/zz-unknown?x=1", "/api/v1/models/a/b/c"}) {
        assertEquals(404, RawHttp.send(port, "GET", target, Map.of()).status(), target);
      }
      assertEquals(405, RawHttp.send(port, "DELETE", "/api/v1/health", Map.of()).status());
      String later = RawHttp.send(port, "GET", "/api/v1/metrics", Map.of()).text();
      Map<String, Double> after = parse(later);
      assertEquals(4.0, after.get("prunegate_registry_http_unmatched_requests_total"));
      assertFalse(later.contains("4711") || later.contains("zz-unknown"), "no raw paths");
      Set<String> routes = new HashSet<>();
      Matcher r = ROUTE.matcher(later);
      while (r.find()) {
        routes.add(r.group(1));
      }
      assertTrue(documented.containsAll(routes), "route labels are templates: " + routes);
      assertTrue(routes.contains("/api/v1/metrics"), "the scrape itself is recorded");

      Promtool.assertCleanMetrics(later);
    }
  }

  @Test
  void metricsStayOpenWhenReadsNeedAToken() {
    try (TestRegistry registry =
        TestRegistry.start(
            dir.resolve("protected"), v -> v.with(RegistryOptions.READS_NEED_TOKEN, true))) {
      assertEquals(401, RawHttp.send(registry.port(), "GET", "/api/v1/models", Map.of()).status());
      assertEquals(200, RawHttp.send(registry.port(), "GET", "/api/v1/metrics", Map.of()).status());
    }
  }

  /** The route templates the OpenAPI document lists. */
  private static Set<String> documentedTemplates(int port) {
    Map<String, String> auth = new LinkedHashMap<>();
    JsonNode doc = RawHttp.send(port, "GET", "/api/v1/openapi.json", auth).json();
    Set<String> out = new HashSet<>();
    doc.get("paths").fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Sample lines of a text exposition: series (name and labels) to value. */
  private static Map<String, Double> parse(String exposition) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }
}
