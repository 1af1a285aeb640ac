package io.prunegate.experiments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.Feedback;
import io.prunegate.events.Topics;
import io.prunegate.experiments.action.ActionOutcome;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.Experiment;
import io.prunegate.experiments.policy.DecisionPolicy;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.Topic;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.outbox.RelaySettings;
import io.prunegate.registry.server.RegistryConfig;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import io.prunegate.testing.Promtool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on the embedded KRaft broker and a real registry: the registry's alias events
 * (through its outbox relay) open two experiments; answers and labels streamed to the results and
 * feedback topics, as the gateway and a labelling process would, are joined; the service judges
 * both and acts through the registry: the challenger as good as its champion is promoted (champion
 * moved, {@code previous} kept, {@code challenger} removed), the clearly worse one rolled back
 * ({@code challenger} removed, the version tagged {@code rejected} with the reason).
 */
@WithKafkaBroker
class ExperimentServiceTest {

  private static final String TOKEN = "experiments-service-token-0123456789";
  private static final int PER_ARM = 1500;

  @Test
  void asGoodIsPromotedAndWorseIsRolledBack(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    Topics t =
        new Topics("es.req", "es.results", "es.dlq", "es.feedback", "es.events", "es.shadow");
    kafka.createTopics(
        new Topic(t.results(), 3),
        new Topic(t.shadowResults(), 3),
        new Topic(t.feedback(), 2),
        new Topic(t.modelEvents(), 1));
    try (RegistryServer registry = registry(kafka, t, dir)) {
      RegistryClient client = RegistryClient.create(registry.baseUrl(), TOKEN);
      for (String model : List.of("as-good", "worse")) {
        client.registerModel(NewModel.of(model, null, List.of("negative", "positive")));
        for (int v = 1; v <= 2; v++) {
          Path files = Files.createDirectories(dir.resolve(model + "-" + v));
          Files.writeString(files.resolve("model.safetensors"), model + " " + v);
          client.createVersion(
              model, files, v == 1 ? VersionSpec.base() : VersionSpec.derived(1, "chip"));
        }
        client.setAlias(model, "champion", 1);
        client.setAlias(model, "challenger", 2);
      }
      DecisionPolicy policy =
          DecisionPolicy.parse(
              "{\"defaults\": {\"non_inferiority_margin_points\": 5.0, \"min_labelled_per_arm\":"
                  + " 200, \"planned_labels_per_arm\": 1500}}");
      ExperimentConfig config =
          new ExperimentConfig(
                  kafka.bootstrapServers(),
                  new io.prunegate.experiments.join.JoinSettings(
                      t, "experiments-service-test", Duration.ofDays(7)),
                  registry.baseUrl(),
                  TOKEN,
                  policy,
                  true,
                  Duration.ofMillis(200),
                  dir.resolve("state"),
                  "127.0.0.1",
                  0,
                  Map.of())
              .withStreamsProperties(
                  Map.of(
                      StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                      StreamsConfig.REPLICATION_FACTOR_CONFIG, "1"));
      try (ExperimentService service = ExperimentService.start(config)) {
        assertTrue(service.awaitRunning(Duration.ofMinutes(2)), "state " + service.state());
        // the answers must find their experiments open: wait until both are being judged
        await(service, s -> s.size() == 2, "both experiments judged");
        try (KafkaProducer<byte[], byte[]> p = producer(kafka.bootstrapServers())) {
          // as-good: both arms right 9 times in 10; worse: the challenger 6 times in 10
          stream(p, t, "as-good", 9, 9);
          stream(p, t, "worse", 9, 6);
        }
        await(service, s -> s.stream().allMatch(x -> x.action() != null), "both acted on");

        ExperimentStatus asGood = status(service, "as-good");
        assertInstanceOf(Verdict.Promote.class, asGood.verdict(), asGood.toString());
        assertEquals(ActionOutcome.Result.APPLIED, asGood.action().result());
        // judged while the labels stream in: decided once the interval cleared the margin, with
        // at least the policy's minimum and at most all of them
        long labelled = asGood.challenger().tally().labelled();
        assertTrue(labelled >= 200 && labelled <= PER_ARM, asGood.toString());
        assertTrue(asGood.champion().tally().labelled() >= 200, asGood.toString());
        assertTrue(asGood.difference().lower() > -0.05, asGood.difference().toString());
        assertEquals(Map.of("champion", 2, "previous", 1), client.getModel("as-good").aliases());
        assertNotNull(client.getVersion("as-good", 2).tags().get("promoted"));

        ExperimentStatus worse = status(service, "worse");
        assertInstanceOf(Verdict.Rollback.class, worse.verdict(), worse.toString());
        assertEquals(ActionOutcome.Result.APPLIED, worse.action().result());
        assertTrue(worse.difference().upper() < -0.05, worse.difference().toString());
        assertEquals(Map.of("champion", 1), client.getModel("worse").aliases());
        String reason = client.getVersion("worse", 2).tags().get("rejected");
        assertTrue(reason != null && reason.startsWith("accuracy:"), reason);

        // what an operator sees: /health, /experiments and /metrics (promtool-clean)
        assertEquals(200, get(service, "/health").statusCode());
        JsonNode list = new ObjectMapper().readTree(get(service, "/experiments").body());
        assertEquals(2, list.get("items").size(), list.toString());
        for (JsonNode item : list.get("items")) {
          String verdict = item.get("model").asText().equals("as-good") ? "promote" : "rollback";
          assertEquals(verdict, item.get("verdict").get("kind").asText(), item.toString());
          assertEquals("applied", item.get("action").get("result").asText(), item.toString());
          assertTrue(item.get("challenger").get("labelled").asLong() >= 200, item.toString());
        }
        assertEquals(404, get(service, "/nothing-here").statusCode());
        String metrics = get(service, "/metrics").body();
        String asGoodId = asGood.experiment().id();
        assertTrue(
            metrics.contains(
                "prunegate_experiments_labelled{arm=\"challenger\",experiment=\""
                    + asGoodId
                    + "\",kind=\"challenger\",model=\"as-good\"} "
                    + labelled
                    + ".0"),
            metrics);
        assertTrue(
            metrics.contains(
                "prunegate_experiments_state{experiment=\""
                    + asGoodId
                    + "\",kind=\"challenger\",model=\"as-good\",state=\"promote\"} 1.0"),
            metrics);
        assertTrue(
            metrics.contains("prunegate_experiments_verdicts_total{verdict=\"rollback\"} 1.0"));
        assertTrue(metrics.contains("prunegate_experiments_actions_total{result=\"applied\"} 2.0"));
        assertTrue(
            metrics.contains(
                "prunegate_experiments_join_records_total{reason=\"answers.unattributed\"} 0.0"),
            metrics);
        Promtool.assertCleanMetrics(metrics);
      }
    }
  }

  private static RegistryServer registry(EmbeddedKafka kafka, Topics t, Path dir) {
    return RegistryServer.start(
        RegistryConfig.from(
            RegistryOptions.TABLE
                .defaults()
                .with(RegistryOptions.PORT, 0)
                .with(RegistryOptions.DATA_DIR, dir.resolve("registry"))
                .with(RegistryOptions.TOKENS, List.of(TOKEN))
                .with(RegistryOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers())
                .with(RegistryOptions.MODEL_EVENTS_TOPIC, t.modelEvents()),
            new RelaySettings(
                Duration.ofMillis(100),
                200,
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                Duration.ofDays(1))));
  }

  /** Answers of both arms (every other request to the challenger) and then their labels. */
  private static void stream(
      KafkaProducer<byte[], byte[]> p,
      Topics t,
      String model,
      int championRight,
      int challengerRight)
      throws IOException {
    for (int i = 0; i < 2 * PER_ARM; i++) {
      int version = i % 2 == 0 ? 1 : 2;
      int right = version == 1 ? championRight : challengerRight;
      String predicted = (i / 2) % 10 < right ? "positive" : "negative";
      ClassificationResult r =
          ClassificationResult.ok(
              model + "-" + i,
              predicted,
              Map.of(predicted, 0.9),
              model,
              version,
              version == 1 ? "champion" : "challenger",
              4,
              10 + i % 5,
              false);
      p.send(
          new ProducerRecord<>(
              t.results(), bytes(model + "-k" + i % 13), EventCodec.get().encode(r)));
    }
    for (int i = 0; i < 2 * PER_ARM; i++) {
      Feedback f = new Feedback(model + "-" + i, "positive", model, System.currentTimeMillis());
      p.send(new ProducerRecord<>(t.feedback(), null, EventCodec.get().encode(f)));
    }
    p.flush();
  }

  private static ExperimentStatus status(ExperimentService service, String model) {
    Optional<ExperimentStatus> s =
        service.statuses().stream().filter(x -> x.experiment().model().equals(model)).findFirst();
    assertTrue(s.isPresent(), model + " in " + service.statuses());
    assertEquals(Experiment.Kind.CHALLENGER, s.get().experiment().kind());
    return s.get();
  }

  private static void await(
      ExperimentService service,
      java.util.function.Predicate<List<ExperimentStatus>> done,
      String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (done.test(service.statuses())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what + ": " + service.statuses());
  }

  private static HttpResponse<String> get(ExperimentService service, String path)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
