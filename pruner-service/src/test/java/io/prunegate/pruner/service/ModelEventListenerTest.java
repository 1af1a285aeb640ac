package io.prunegate.pruner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.EventCodec;
import io.prunegate.events.EventHeaders;
import io.prunegate.events.ModelEvent;
import io.prunegate.events.ModelEventType;
import io.prunegate.events.Topics;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.jobs.CompressionJobs;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.JobState;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener on a real broker and registry: one job per {@code model.registered} event, keyed by
 * the event id; redelivered events (same listener, or a new listener that re-reads the topic) never
 * create a second job; the pruner's own {@code variant.registered} events create none.
 */
@WithKafkaBroker
class ModelEventListenerTest {

  @Test
  void oneJobPerRegisteredModelWhateverTheRedeliveries(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    try (PrunerStack stack = PrunerStack.start(kafka, dir)) {
      RegistryClient client = stack.client();
      CompressionPolicy policy = CompressionPolicy.defaultPolicy();
      PrunerConfig config = stack.config("listener", policy);
      List<Job> seen = new CopyOnWriteArrayList<>();
      String[] firstJob = new String[1];
      try (ModelEventListener listener =
          new ModelEventListener(config, client, policy, seen::add).start()) {
        assertTrue(listener.awaitAssigned(Duration.ofSeconds(30)));
        client.registerModel(NewModel.of("tickets", null, List.of("a", "b")));
        Path files = Files.createDirectories(dir.resolve("v1"));
        Files.writeString(files.resolve("config.json"), "{}");
        client.createVersion("tickets", files, VersionSpec.base());
        // a derived version (what the pruner registers) and an alias move: no jobs
        client.createVersion("tickets", files, VersionSpec.derived(1, "chip"));
        client.setAlias("tickets", "challenger", 2);

        List<ModelEvent> events =
            stack.readEvents(
                l -> l.stream().anyMatch(e -> e.type().equals("alias.moved")),
                Duration.ofSeconds(30));
        ModelEvent registered =
            events.stream()
                .filter(e -> e.knownType().orElseThrow() == ModelEventType.MODEL_REGISTERED)
                .findFirst()
                .orElseThrow();
        waitFor(() -> seen.size() == 1, "a job for the registered model");
        Job job = seen.get(0);
        firstJob[0] = job.id();
        assertEquals("tickets", job.model());
        assertEquals(1, job.version());
        assertEquals(CompressionJobs.METHOD, job.method());
        assertEquals(registered.eventId(), job.idempotencyKey());
        assertEquals(registered.eventId(), job.parameters().get(CompressionJobs.EVENT_ID));
        assertEquals(policy, CompressionJobs.policyOf(job));
        assertEquals(JobState.PENDING, job.state());

        // redelivery to the same listener: dropped by event id in memory
        republish(kafka, registered);
        waitFor(() -> listener.duplicatesSkipped() == 1, "the duplicate to be dropped");
        assertEquals(1, listener.jobsCreated());
      }

      // a fresh listener in a fresh group (a pruner that lost its memory and offsets) re-reads
      // everything: the registry returns the same job for the same event id
      List<Job> again = new CopyOnWriteArrayList<>();
      try (ModelEventListener fresh =
          new ModelEventListener(stack.config("fresh", policy), client, policy, again::add)
              .start()) {
        waitFor(
            () -> again.size() == 1 && fresh.duplicatesSkipped() == 1,
            "the event and its copy to be handled");
        assertEquals(firstJob[0], again.get(0).id(), "the registry returned the same job");
      }
      List<Job> jobs = client.listJobs(JobQuery.all().withModel("tickets")).items();
      assertEquals(1, jobs.size(), "exactly one job: " + jobs);
    }
  }

  private static void republish(EmbeddedKafka kafka, ModelEvent event) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> r =
          new ProducerRecord<>(
              Topics.DEFAULT_MODEL_EVENTS, event.model(), EventCodec.get().encode(event));
      r.headers().add(EventHeaders.EVENT_ID, EventHeaders.value(event.eventId()));
      r.headers().add(EventHeaders.EVENT_TYPE, EventHeaders.value(event.type()));
      producer.send(r);
      producer.flush();
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
