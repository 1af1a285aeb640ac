package io.prunegate.kafka.embedded;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces and consumes request records for the broker tests. */
final class RecordRoundTrip {

  private RecordRoundTrip() {}

  static List<String> produceRequests(String bootstrap, String topic, int n, String idPrefix) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < n; i++) {
        String id = idPrefix + i;
        ids.add(id);
        var request = ClassificationRequest.of(id, "text number " + i, "sst2");
        producer.send(
            new ProducerRecord<>(topic, request.recordKey(), EventCodec.get().encode(request)));
      }
      producer.flush();
    }
    return ids;
  }

  /** Reads from the beginning until {@code expected} records arrived or {@code timeout} passed. */
  static List<ClassificationRequest> consumeRequests(
      String bootstrap, String topic, int expected, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ClassificationRequest> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(EventCodec.get().decodeRequest(r.value()));
        }
      }
      // One more poll: anything beyond `expected` would be a duplicate and must show up.
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        out.add(EventCodec.get().decodeRequest(r.value()));
      }
    }
    return out;
  }
}
