package io.prunegate.pruner.service;

import io.prunegate.events.EventCodec;
import io.prunegate.events.EventHeaders;
import io.prunegate.events.ModelEvent;
import io.prunegate.events.Topics;
import io.prunegate.kafka.embedded.KafkaBroker;
import io.prunegate.kafka.embedded.Topic;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.config.PrunerOptions;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryClientConfig;
import io.prunegate.registry.outbox.RelaySettings;
import io.prunegate.registry.server.RegistryConfig;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the pruner's integration tests run against: the test class's real broker, a real registry
 * server (H2 and artifacts under a temp directory) whose outbox is relayed to the broker's
 * model-events topic, a client with the write token, and the real all-MiniLM-L6-v2 model.
 */
final class PrunerStack implements AutoCloseable {

  static final String TOKEN = "pruner-test-token-0123456789";

  /** Labels of the shipped support-tickets dataset. */
  static final List<String> TICKET_LABELS =
      io.prunegate.pruner.data.BuiltinDatasets.supportTickets().labelNames();

  private final KafkaBroker broker;
  private final RegistryServer registry;
  private final RegistryClient client;
  private final Path root;

  private PrunerStack(KafkaBroker broker, RegistryServer registry, Path root) {
    this.broker = broker;
    this.registry = registry;
    this.root = root;
    this.client =
        new RegistryClient(
            RegistryClientConfig.of(registry.baseUrl(), TOKEN)
                .withRetries(3, Duration.ofMillis(50), Duration.ofMillis(200)));
  }

  static PrunerStack start(KafkaBroker broker, Path root) {
    broker.createTopics(new Topic(Topics.DEFAULT_MODEL_EVENTS, 1));
    RegistryServer server =
        RegistryServer.start(
            RegistryConfig.from(
                RegistryOptions.TABLE
                    .defaults()
                    .with(RegistryOptions.PORT, 0)
                    .with(RegistryOptions.DATA_DIR, root.resolve("registry"))
                    .with(RegistryOptions.TOKENS, List.of(TOKEN))
                    .with(RegistryOptions.KAFKA_BOOTSTRAP, broker.bootstrapServers())
                    .with(RegistryOptions.WORKERS, 4),
                new RelaySettings(
                    Duration.ofMillis(200),
                    200,
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1),
                    Duration.ofDays(1))));
    return new PrunerStack(broker, server, root);
  }

  KafkaBroker broker() {
    return broker;
  }

  RegistryServer registry() {
    return registry;
  }

  RegistryClient client() {
    return client;
  }

  /**
   * A pruner configuration for this stack: its own group and worker id, a short lease (so a killed
   * worker's job is retried quickly), quick polls, 2 engine threads, few latency iterations.
   */
  PrunerConfig config(String name, CompressionPolicy policy) {
    return PrunerConfig.from(
        PrunerOptions.TABLE
            .defaults()
            .with(PrunerOptions.REGISTRY_URL, registry.baseUrl())
            .with(PrunerOptions.REGISTRY_TOKEN, TOKEN)
            .with(PrunerOptions.WORK_DIR, root.resolve("pruner-" + name))
            .with(PrunerOptions.KAFKA_BOOTSTRAP, broker.bootstrapServers())
            .with(PrunerOptions.GROUP_ID, "pruner-" + name)
            .with(PrunerOptions.WORKER_ID, "worker-" + name)
            .with(PrunerOptions.LEASE, Duration.ofSeconds(6))
            .with(PrunerOptions.POLL_INTERVAL, Duration.ofMillis(500))
            .with(PrunerOptions.THREADS, 2)
            .with(PrunerOptions.INTEROP_THREADS, 1)
            .with(PrunerOptions.LATENCY_ITERATIONS, 3),
        policy);
  }

  /** The real all-MiniLM-L6-v2 directory (imported from its Maven jar once). */
  static Path miniLm() {
    return DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
  }

  /** Registers model {@code name} (support-ticket labels) with MiniLM as base version 1. */
  ModelVersion registerMiniLm(String name) {
    client.ensureModel(
        NewModel.of(name, "jar:sentence-transformers/all-MiniLM-L6-v2", TICKET_LABELS));
    return client.createVersion(name, miniLm(), VersionSpec.base());
  }

  /** Reads model events from the beginning until {@code done} holds or {@code timeout} passes. */
  List<ModelEvent> readEvents(Predicate<List<ModelEvent>> done, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ModelEvent> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topics.DEFAULT_MODEL_EVENTS));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(out) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          ModelEvent e = EventCodec.get().decodeModelEvent(r.value());
          String header = EventHeaders.text(r.headers().lastHeader(EventHeaders.EVENT_ID).value());
          if (!header.equals(e.eventId())) {
            throw new AssertionError("event id header " + header + " != " + e.eventId());
          }
          out.add(e);
        }
      }
    }
    return out;
  }

  /** Events of {@code model} only. */
  static List<ModelEvent> of(List<ModelEvent> events, String model) {
    return events.stream().filter(e -> e.model().equals(model)).toList();
  }

  @Override
  public void close() {
    registry.close();
  }
}
