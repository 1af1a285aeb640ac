package io.prunegate.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prunegate.events.EventCodec;
import io.prunegate.events.Feedback;
import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.gateway.fixtures.LabelledSentences;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.loadtest.Answer;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.LoadTarget;
import io.prunegate.loadtest.PhaseReport;
import io.prunegate.loadtest.ResultCollector;
import io.prunegate.loadtest.SendLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Champion, challenger and shadow on one model, through Kafka: the challenger's share is sticky by
 * key, the shadow's answers are compared with the champion's, exported and published to the
 * shadow-results topic (one per champion request, none for the challenger's), labels on the
 * feedback topic turn into live accuracy, and a challenger whose inference fails falls back to the
 * champion until its circuit breaker opens.
 */
@WithKafkaBroker(shared = true)
class RoutingIntegrationTest {

  @Test
  void challengerShadowFeedbackAndCircuitBreaker(EmbeddedKafka kafka) throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("routing");
    int shadowVersion = world.registerWorking(model);
    world.client().setAlias(model, "challenger", 2);
    world.client().setAlias(model, "shadow", shadowVersion);
    GatewayConfig config =
        GatewayConfig.from(
            world
                .gatewayOptions("routing", model)
                .with(GatewayOptions.CHALLENGER_SHARE, 0.5)
                .with(GatewayOptions.SHADOW_SHARE, 1.0)
                // Without warm-up the runtime-broken challenger loads, so its breaker can be seen
                // to open (HotSwapTest shows warm-up refusing it at load).
                .with(GatewayOptions.WARMUP_BATCHES, 0)
                .with(GatewayOptions.INFERENCE_TIMEOUT, Duration.ofSeconds(30))
                .with(GatewayOptions.BREAKER_FAILURE_RATE, 50.0)
                .with(GatewayOptions.BREAKER_WINDOW, 4)
                .with(GatewayOptions.BREAKER_MIN_CALLS, 2)
                .with(GatewayOptions.BREAKER_OPEN, Duration.ofMinutes(5)));
    try (Gateway gateway = Gateway.start(config);
        LoadRun run =
            LoadRun.open(
                LoadTarget.of(
                    kafka.bootstrapServers(),
                    config.kafka().topics().requests(),
                    config.kafka().topics().results()));
        ResultCollector shadowResults =
            new ResultCollector(
                kafka.bootstrapServers(),
                config.kafka().topics().shadowResults(),
                new SendLog(),
                id -> id.startsWith(run.runId() + "-ab-"),
                false)) {
      assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
      assertEquals(
          List.of("challenger=2", "champion=1", "shadow=" + shadowVersion), gateway.routes(model));

      LoadPlan ab = LoadPlan.of("ab", 400, 0, model, LabelledSentences.mixed()).withKeySpace(40);
      PhaseReport r = run.run(ab, Duration.ofMinutes(2));
      System.out.println("A/B: " + r);
      assertEquals(400, r.answered());
      assertEquals(Map.of("ok", 400), r.byStatus());
      int toChallenger = r.byVersion().getOrDefault(model + ":2/challenger", 0);
      assertTrue(toChallenger > 0 && toChallenger < 400, "both variants served: " + r.byVersion());
      Map<String, Set<String>> variantsByKey = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        Answer a = run.collector().answers().get(run.runId() + "-ab-" + i);
        variantsByKey
            .computeIfAbsent("k-" + (i % 40), k -> new HashSet<>())
            .add(a.result().variant());
      }
      variantsByKey.forEach((k, v) -> assertEquals(1, v.size(), k + " is sticky: " + v));

      // The shadow (an identical bundle) saw a copy of every champion request and agreed on all.
      int championAnswers = r.byVersion().get(model + ":1/champion");
      await(
          () -> gateway.shadowAgreement().comparisons(model, 1, shadowVersion) == championAnswers,
          "one comparison per champion answer");
      assertEquals(1.0, gateway.shadowAgreement().agreement(model, 1, shadowVersion));
      // ... and its answers are on the shadow-results topic: exactly the champion's requests.
      Set<String> championIds = new HashSet<>();
      for (int i = 0; i < 400; i++) {
        Answer a = run.collector().answers().get(run.runId() + "-ab-" + i);
        if ("champion".equals(a.result().variant())) {
          championIds.add(a.result().id());
        }
      }
      assertTrue(shadowResults.awaitAnswers(championIds, Duration.ofSeconds(30)));
      assertEquals(championIds, shadowResults.answers().keySet(), "no shadow answer for others");
      assertEquals(0, shadowResults.duplicates());
      for (Answer s : shadowResults.answers().values()) {
        assertEquals("shadow", s.result().variant());
        assertEquals(shadowVersion, s.result().version());
        assertEquals(
            run.collector().answers().get(s.result().id()).result().label(), s.result().label());
      }
      String metrics = gateway.metrics().scrape();
      assertTrue(
          metrics.contains(
              "prunegate_gateway_shadow_agreement{champion_version=\"1\",model=\""
                  + model
                  + "\",shadow_version=\""
                  + shadowVersion
                  + "\"} 1.0"),
          "agreement exported");

      // True labels on the feedback topic become live accuracy per variant.
      try (KafkaProducer<byte[], byte[]> p = producer(kafka.bootstrapServers())) {
        for (int i = 0; i < 400; i++) {
          String text = LabelledSentences.mixed().get(i % LabelledSentences.mixed().size());
          Feedback f =
              new Feedback(
                  run.runId() + "-ab-" + i,
                  LabelledSentences.labelOf(text),
                  model,
                  System.currentTimeMillis());
          p.send(
              new ProducerRecord<>(config.kafka().topics().feedback(), EventCodec.get().encode(f)));
        }
      }
      await(
          () ->
              gateway.drift().window(model, 1, "champion").count()
                      + gateway.drift().window(model, 2, "challenger").count()
                  == 400,
          "every label joined");
      double acc = gateway.drift().window(model, 1, "champion").accuracy();
      System.out.printf(
          "live accuracy champion=%.3f challenger=%.3f%n",
          acc, gateway.drift().window(model, 2, "challenger").accuracy());
      assertEquals(1.0, acc, "the chips were fitted on these sentences");
      assertTrue(
          gateway
              .metrics()
              .scrape()
              .contains(
                  "prunegate_gateway_live_accuracy{model=\""
                      + model
                      + "\",variant=\"champion\",version=\"1\"} 1.0"));

      // A challenger whose inference fails: its requests fall back to the champion, then its
      // breaker opens and routing skips it.
      int failing = world.registerNan(model);
      world.client().setAlias(model, "challenger", failing);
      await(() -> gateway.routes(model).contains("challenger=" + failing), "challenger swapped in");
      PhaseReport fb = run.run(ab.withRequests(200).withName("fallback"), Duration.ofMinutes(2));
      System.out.println("fallback: " + fb);
      assertEquals(Map.of("ok", 200), fb.byStatus(), "no request lost to the failing variant");
      assertEquals(Map.of(model + ":1/champion", 200), fb.byVersion());
      CircuitBreaker.State state =
          gateway
              .service()
              .router()
              .table(model)
              .orElseThrow()
              .alias("challenger")
              .orElseThrow()
              .breaker()
              .getState();
      assertEquals(CircuitBreaker.State.OPEN, state);
      String after = gateway.metrics().scrape();
      assertTrue(
          after.contains(
              "prunegate_gateway_fallbacks_total{from=\"challenger\",model=\"" + model + "\"}"));
      assertTrue(
          after.contains(
              "resilience4j_circuitbreaker_state{name=\""
                  + model
                  + ":"
                  + failing
                  + "\",state=\"open\"} 1.0"));
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void await(BooleanSupplier c, String what) {
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
