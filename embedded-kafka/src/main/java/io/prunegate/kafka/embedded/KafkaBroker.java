package io.prunegate.kafka.embedded;

import java.time.Duration;
import java.util.List;

/** A running single-node Kafka broker, in this JVM or a child JVM. */
public sealed interface KafkaBroker extends AutoCloseable permits EmbeddedKafka, ChildProcessKafka {

  /** {@code host:port} for clients' {@code bootstrap.servers}. */
  String bootstrapServers();

  /** The settings the broker runs with (ports, data directory). */
  BrokerSettings settings();

  /** Creates the topics that do not exist yet. */
  default void createTopics(Topic... topics) {
    KafkaTopics.create(bootstrapServers(), List.of(topics), Duration.ofSeconds(30));
  }

  /** Creates one topic with {@code partitions} partitions, unless it exists. */
  default void createTopic(String name, int partitions) {
    createTopics(new Topic(name, partitions));
  }

  /** Stops the broker cleanly. */
  @Override
  void close();
}
