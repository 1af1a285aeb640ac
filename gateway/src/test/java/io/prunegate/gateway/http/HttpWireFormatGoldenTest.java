package io.prunegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.testing.GoldenFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the bodies of the gateway's HTTP API (OIP v2 health, metadata, infer; {@code /v1/classify};
 * error bodies) against {@code src/test/resources/golden/http}, byte for byte except the values
 * that depend on the machine: the model's scores and latencies are masked. The model name is the
 * fixed {@code golden}. Run with {@code -Dgolden.update=true} to rewrite the files after an
 * intentional wire change.
 */
@WithKafkaBroker(shared = true)
class HttpWireFormatGoldenTest {

  private static final GoldenFiles GOLDEN = GoldenFiles.in("http");

  private static Gateway gateway;
  private static String model;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    TestWorld world = TestWorld.get(kafka);
    model = world.registerModel("golden");
    GatewayConfig config =
        GatewayConfig.from(
            world.gatewayOptions("golden", model).with(GatewayOptions.KAFKA_BOOTSTRAP, null));
    gateway = Gateway.start(config);
    assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void healthAndMetadataBodies() throws Exception {
    assertBody("live.json", get("/v2/health/live"), 200);
    assertBody("ready.json", get("/v2/health/ready"), 200);
    assertBody("server-metadata.json", get("/v2"), 200);
    assertBody("model-metadata.json", get("/v2/models/" + model), 200);
    assertBody("model-ready.json", get("/v2/models/" + model + "/ready"), 200);
    assertBody("version-not-ready.json", get("/v2/models/" + model + "/versions/2/ready"), 503);
  }

  @Test
  void inferAndClassifyBodies() throws Exception {
    String infer =
        "{\"id\":\"req-1\",\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[2],"
            + "\"data\":[\"Thank you so much, this made my day!\",\"I hated it.\"]}]}";
    assertBody("infer.json", post("/v2/models/" + model + "/infer", infer), 200);
    String pinned =
        "{\"id\":\"req-2\",\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],"
            + "\"data\":[\"ok then\"]}]}";
    assertBody("infer-pinned.json", post("/v2/models/" + model + "/versions/1/infer", pinned), 200);
    assertBody(
        "classify.json",
        post(
            "/v1/classify",
            "{\"id\":\"c-1\",\"text\":\"I hated it.\",\"model\":\"" + model + "\"}"),
        200);
  }

  @Test
  void errorBodies() throws Exception {
    assertBody("error-no-route.json", get("/v3/nothing"), 404);
    assertBody("error-not-served.json", get("/v2/models/nope/ready"), 404);
    assertBody("error-bad-version.json", get("/v2/models/" + model + "/versions/x"), 400);
    assertBody("error-malformed.json", post("/v1/classify", "{\"text\":"), 400);
    assertBody("error-not-object.json", post("/v1/classify", "[1]"), 400);
    assertBody(
        "error-classify-text.json",
        post("/v1/classify", "{\"text\":\"\",\"model\":\"" + model + "\"}"),
        400);
    assertBody(
        "error-infer-inputs.json", post("/v2/models/" + model + "/infer", "{\"inputs\":[]}"), 400);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.httpPort() + path);
  }

  /**
   * The body with its machine-dependent values masked: the model's registered name, the scores
   * (numbers of the FP32 tensor, or of the classify result's {@code scores} object) and latencies.
   */
  static String normalize(String body) {
    return body.replace(model, "golden")
        .replaceAll(
            "(\"name\":\"scores\",\"datatype\":\"FP32\",\"shape\":\\[[0-9,]+\\],\"data\":\\[)[^\\]]*\\]",
            "$1<scores>]")
        .replaceAll("(\"scores\":\\{)[^}]*\\}", "$1<scores>}")
        .replaceAll("(\"latency_ms\":)[0-9.Ee+-]+", "$1<latency>");
  }

  private static void assertBody(String name, HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(), name + ": " + response.body());
    assertEquals(
        "application/json", response.headers().firstValue("Content-Type").orElse(""), name);
    byte[] actual = normalize(response.body()).getBytes(StandardCharsets.UTF_8);
    GOLDEN.assertMatches(name, actual);
  }
}
