package io.prunegate.gateway.kafka;

import io.prunegate.gateway.config.GatewayConfig;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Common client properties and the group-less readers the gateway uses for side topics. */
public final class KafkaClients {

  private KafkaClients() {}

  /** Bootstrap servers plus the configured extra properties (security, ...). */
  public static Properties base(GatewayConfig.Kafka kafka, String clientId) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("client.id", clientId);
    p.putAll(kafka.properties());
    return p;
  }

  /**
   * A consumer without a group, for topics every gateway instance reads in full (model events,
   * feedback): it assigns partitions itself and never commits.
   */
  public static KafkaConsumer<byte[], byte[]> groupless(
      GatewayConfig.Kafka kafka, String clientId) {
    Properties p = base(kafka, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The partitions of {@code topic}, empty when it does not exist (yet). */
  public static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    var infos = consumer.listTopics(java.time.Duration.ofSeconds(10)).get(topic);
    if (infos == null) {
      return List.of();
    }
    return infos.stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
  }
}
