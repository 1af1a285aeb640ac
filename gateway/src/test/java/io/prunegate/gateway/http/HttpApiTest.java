package io.prunegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.config.OptionValues;
import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API of an HTTP-only gateway (no Kafka) serving a registry model: Open Inference Protocol
 * v2 health, metadata and infer, {@code /v1/classify}, {@code /metrics}, and 4xx answers with
 * {@code {"error", "field"}} for bad requests.
 */
@WithKafkaBroker(shared = true)
class HttpApiTest {

  private static Vertx vertx;
  private static WebClient http;
  private static Gateway gateway;
  private static OptionValues options;
  private static String model;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    TestWorld world = TestWorld.get(kafka);
    model = world.registerModel("http");
    options = world.gatewayOptions("http", model).with(GatewayOptions.KAFKA_BOOTSTRAP, null);
    gateway = Gateway.start(GatewayConfig.from(options));
    assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (vertx != null) {
      vertx.close();
    }
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return http.get(gateway.httpPort(), "127.0.0.1", path)
        .send()
        .toCompletionStage()
        .toCompletableFuture()
        .get();
  }

  private static HttpResponse<Buffer> post(String path, String body) throws Exception {
    return http.post(gateway.httpPort(), "127.0.0.1", path)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .toCompletionStage()
        .toCompletableFuture()
        .get();
  }

  private static JsonObject infer(String... texts) {
    return new JsonObject()
        .put("id", "req-1")
        .put(
            "inputs",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("name", "text")
                        .put("datatype", "BYTES")
                        .put("shape", new JsonArray().add(texts.length))
                        .put("data", new JsonArray(List.of((Object[]) texts)))));
  }

  @Test
  void healthAndMetadata() throws Exception {
    assertEquals(200, get("/v2/health/live").statusCode());
    assertEquals(new JsonObject().put("ready", true), get("/v2/health/ready").bodyAsJsonObject());
    JsonObject meta = get("/v2/models/" + model).bodyAsJsonObject();
    assertEquals(model, meta.getString("name"));
    assertEquals(new JsonArray().add("1"), meta.getJsonArray("versions"));
    assertEquals("BYTES", meta.getJsonArray("inputs").getJsonObject(0).getString("datatype"));
    assertEquals(
        new JsonArray().add(-1).add(2),
        meta.getJsonArray("outputs").getJsonObject(1).getJsonArray("shape"));
    assertEquals(
        1, meta.getJsonObject("parameters").getJsonObject("aliases").getInteger("champion"));
    assertEquals(200, get("/v2/models/" + model + "/ready").statusCode());
    assertEquals(200, get("/v2/models/" + model + "/versions/1").statusCode());
    assertEquals(200, get("/v2/models/" + model + "/versions/1/ready").statusCode());
    assertEquals(503, get("/v2/models/" + model + "/versions/2/ready").statusCode());
    HttpResponse<Buffer> unknown = get("/v2/models/nope/ready");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.bodyAsJsonObject().getString("error").contains("not served"));
    assertEquals(404, get("/v2/models/" + model + "/versions/9").statusCode());
    assertEquals(400, get("/v2/models/" + model + "/versions/x").statusCode());
  }

  @Test
  void oipInferAnswersLabelsScoresAndExitLayers() throws Exception {
    HttpResponse<Buffer> r =
        post(
            "/v2/models/" + model + "/infer",
            infer("Thank you so much, this made my day!", "I hated it.").encode());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(model, body.getString("model_name"));
    assertEquals("1", body.getString("model_version"));
    assertEquals("req-1", body.getString("id"));
    JsonArray outputs = body.getJsonArray("outputs");
    assertEquals(
        new JsonArray().add("positive").add("negative"),
        outputs.getJsonObject(0).getJsonArray("data"));
    JsonObject scores = outputs.getJsonObject(1);
    assertEquals("FP32", scores.getString("datatype"));
    assertEquals(new JsonArray().add(2).add(2), scores.getJsonArray("shape"));
    float p0 = scores.getJsonArray("data").getFloat(0) + scores.getJsonArray("data").getFloat(1);
    assertEquals(1.0f, p0, 1e-5f, "probabilities of a row sum to 1");
    assertEquals("INT32", outputs.getJsonObject(2).getString("datatype"));
    assertEquals(
        3,
        outputs.getJsonObject(2).getJsonArray("data").getInteger(0),
        "early exit at the depth-3 chip");

    HttpResponse<Buffer> pinned =
        post("/v2/models/" + model + "/versions/1/infer", infer("ok then").encode());
    assertEquals(200, pinned.statusCode());
    assertEquals(
        new JsonArray().add("pinned"),
        pinned.bodyAsJsonObject().getJsonObject("parameters").getJsonArray("variants"));
  }

  @Test
  void simpleClassifyAndItsErrors() throws Exception {
    HttpResponse<Buffer> ok =
        post(
            "/v1/classify",
            new JsonObject()
                .put("text", "Terrible experience, never again.")
                .put("model", model)
                .put("id", "c1")
                .encode());
    assertEquals(200, ok.statusCode());
    JsonObject r = ok.bodyAsJsonObject();
    assertEquals("c1", r.getString("id"));
    assertEquals("ok", r.getString("status"));
    assertEquals("negative", r.getString("label"));
    assertEquals("champion", r.getString("variant"));
    assertEquals(1, r.getInteger("version"));

    assertProblem(post("/v1/classify", "{not json"), 400, null);
    assertProblem(
        post("/v1/classify", new JsonObject().put("text", "").put("model", model).encode()),
        400,
        "text");
    assertProblem(
        post("/v1/classify", new JsonObject().put("text", 5).put("model", model).encode()),
        400,
        "text");
    assertProblem(
        post("/v1/classify", new JsonObject().put("text", "hi").put("model", "Bad!").encode()),
        400,
        "model");
    assertProblem(
        post(
            "/v1/classify",
            new JsonObject()
                .put("text", "hi")
                .put("model", model)
                .put("deadline_ms", "x")
                .encode()),
        400,
        "deadline_ms");
    assertProblem(
        post("/v1/classify", new JsonObject().put("text", "hi").put("model", "nope").encode()),
        404,
        null);
    HttpResponse<Buffer> late =
        post(
            "/v1/classify",
            new JsonObject().put("text", "hi").put("model", model).put("deadline_ms", 1).encode());
    assertEquals(504, late.statusCode());
    assertEquals("expired", late.bodyAsJsonObject().getString("status"));
    assertProblem(post("/v2/models/" + model + "/infer", "[]"), 400, null);
    assertProblem(
        post(
            "/v2/models/" + model + "/infer",
            "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[1]}]}"),
        400,
        "inputs[0].data[0]");
    String big = "{\"text\":\"" + "a".repeat(5 << 20) + "\",\"model\":\"" + model + "\"}";
    assertEquals(413, post("/v1/classify", big).statusCode());
    assertEquals(404, get("/no/such/route").statusCode());

    String metrics = get("/metrics").bodyAsString();
    assertTrue(
        metrics.contains(
            "prunegate_gateway_requests_total{model=\""
                + model
                + "\",outcome=\"ok\",transport=\"http\",variant=\"champion\",version=\"1\"}"),
        "requests by outcome");
    assertTrue(
        metrics.contains("prunegate_gateway_request_duration_seconds_bucket{"),
        "request duration histogram");
    assertTrue(
        metrics.contains(
            "prunegate_gateway_batch_size_count{model=\"" + model + "\",version=\"1\"}"));
    assertTrue(
        metrics.contains(
            "prunegate_gateway_early_exits_total{layer=\"3\",model=\""
                + model
                + "\",version=\"1\"}"));
    assertTrue(
        metrics.contains(
            "prunegate_gateway_queue_duration_seconds_count{model=\""
                + model
                + "\",version=\"1\"}"));
    assertTrue(
        metrics.contains(
            "prunegate_gateway_model_loads_total{model=\""
                + model
                + "\",outcome=\"success\",version=\"1\"} 1.0"));
  }

  @Test
  void aFullAdmissionQueueAnswers429() throws Exception {
    GatewayConfig small =
        GatewayConfig.from(
            options
                .with(GatewayOptions.MAX_BATCH, 1)
                .with(GatewayOptions.MAX_QUEUE_DELAY, Duration.ofMillis(1))
                .with(GatewayOptions.QUEUE_CAPACITY, 1)
                .with(GatewayOptions.GROUPING_WINDOW, 1));
    try (Gateway g = Gateway.start(small)) {
      assertTrue(g.awaitReady(Duration.ofSeconds(60)));
      List<CompletableFuture<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add(
            http.post(g.httpPort(), "127.0.0.1", "/v1/classify")
                .sendJsonObject(
                    new JsonObject().put("text", "The soup was cold " + i).put("model", model))
                .toCompletionStage()
                .toCompletableFuture());
      }
      int ok = 0;
      int overloaded = 0;
      for (var c : calls) {
        HttpResponse<Buffer> r = c.get();
        if (r.statusCode() == 200) {
          ok++;
        } else {
          assertEquals(429, r.statusCode(), r.bodyAsString());
          assertEquals("1", r.getHeader("Retry-After"));
          assertTrue(r.bodyAsJsonObject().getString("error").startsWith("overloaded"));
          overloaded++;
        }
      }
      System.out.printf("capacity 1: %d answered, %d refused with 429%n", ok, overloaded);
      assertTrue(ok >= 1 && overloaded >= 1, ok + " ok, " + overloaded + " refused");
    }
  }

  @Test
  void aBatchPastTheInferenceTimeoutIsAnErrorAndRepeatedTimeoutsOpenTheBreaker() throws Exception {
    // A 1 ms limit no real batch meets: each times out, counts against the champion's breaker
    // (minimum 2 calls), and once it is open requests fail fast without inference.
    GatewayConfig strict =
        GatewayConfig.from(
            options
                .with(GatewayOptions.INFERENCE_TIMEOUT, Duration.ofMillis(1))
                .with(GatewayOptions.BREAKER_FAILURE_RATE, 50.0)
                .with(GatewayOptions.BREAKER_WINDOW, 4)
                .with(GatewayOptions.BREAKER_MIN_CALLS, 2)
                .with(GatewayOptions.BREAKER_OPEN, Duration.ofMinutes(5)));
    try (Gateway g = Gateway.start(strict)) {
      assertTrue(g.awaitReady(Duration.ofSeconds(60)));
      List<String> errors = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        HttpResponse<Buffer> r =
            http.post(g.httpPort(), "127.0.0.1", "/v1/classify")
                .sendJsonObject(
                    new JsonObject().put("text", "The soup was cold.").put("model", model))
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        assertEquals(500, r.statusCode());
        assertEquals("error", r.bodyAsJsonObject().getString("status"));
        errors.add(r.bodyAsJsonObject().getString("error"));
      }
      System.out.println("timeout errors: " + errors);
      assertTrue(errors.get(0).startsWith("inference timed out after 1 ms"), errors.get(0));
      assertTrue(
          errors.get(3).startsWith("circuit breaker of " + model + ":1 is open"), errors.get(3));
    }
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String field) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject b = r.bodyAsJsonObject();
    assertTrue(b.getString("error") != null && !b.getString("error").isBlank());
    assertEquals(field, b.getString("field"));
  }
}
