package io.prunegate.registry.outbox;

import io.prunegate.events.EventCodec;
import io.prunegate.events.EventHeaders;
import io.prunegate.events.ModelEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the model-events topic from the beginning, as a consumer of the registry would. */
final class ModelEventReader {

  /** One record as received: key, headers, decoded value, partition and offset. */
  record Received(
      String key,
      String headerId,
      String headerType,
      ModelEvent event,
      int partition,
      long offset) {}

  private ModelEventReader() {}

  /** Reads until {@code done} holds for the records so far, or {@code timeout} passes. */
  static List<Received> readUntil(
      String bootstrap, String topic, Predicate<List<Received>> done, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "registry-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<Received> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(out) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(
              new Received(
                  r.key(),
                  EventHeaders.text(r.headers().lastHeader(EventHeaders.EVENT_ID).value()),
                  EventHeaders.text(r.headers().lastHeader(EventHeaders.EVENT_TYPE).value()),
                  EventCodec.get().decodeModelEvent(r.value()),
                  r.partition(),
                  r.offset()));
        }
      }
    }
    return out;
  }

  /** Done once this many distinct event ids arrived. */
  static Predicate<List<Received>> distinct(long count) {
    return list -> {
      Set<String> ids = new HashSet<>();
      list.forEach(r -> ids.add(r.event().eventId()));
      return ids.size() >= count;
    };
  }
}
