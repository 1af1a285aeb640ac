package io.prunegate.gateway.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventHeaders;
import io.prunegate.events.ResultStatus;
import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.Delivery;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.loadtest.Answer;
import io.prunegate.loadtest.ResultCollector;
import io.prunegate.loadtest.SendLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input on the Kafka path: undecodable records land in the DLQ with the reason, the field and
 * their original topic, partition and offset; decodable requests that cannot be served get a result
 * with the reason; a 1 MB text is truncated and answered; and the consumer keeps going.
 */
@WithKafkaBroker(shared = true)
class BadRecordsTest {

  @ParameterizedTest
  @EnumSource(Delivery.class)
  void badRecordsGoToTheDeadLetterTopicOrGetAReasonAndTheConsumerKeepsGoing(
      Delivery delivery, EmbeddedKafka kafka) throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String prefix = "bad-" + delivery.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    String model = world.registerModel(prefix);
    GatewayConfig config =
        GatewayConfig.from(
            world.gatewayOptions(prefix, model).with(GatewayOptions.DELIVERY, delivery));
    boolean readCommitted = delivery == Delivery.EXACTLY_ONCE;
    String requests = config.kafka().topics().requests();

    // key -> value; every key is unique so each dead letter can be traced to what was sent.
    Map<String, byte[]> dead = new LinkedHashMap<>();
    dead.put("not-json", utf8("this is not json {"));
    dead.put("array", utf8("[1, 2, 3]"));
    dead.put("missing-id", utf8("{\"text\":\"fine text\",\"model\":\"" + model + "\"}"));
    dead.put("empty-text", utf8("{\"id\":\"e1\",\"text\":\"\",\"model\":\"" + model + "\"}"));
    dead.put(
        "blank-text", utf8("{\"id\":\"b1\",\"text\":\" \\t\\n \",\"model\":\"" + model + "\"}"));
    dead.put("text-number", utf8("{\"id\":\"w1\",\"text\":42,\"model\":\"" + model + "\"}"));
    dead.put("id-number", utf8("{\"id\":7,\"text\":\"hello\",\"model\":\"" + model + "\"}"));
    dead.put(
        "deadline-string",
        utf8(
            "{\"id\":\"w2\",\"text\":\"hello\",\"model\":\""
                + model
                + "\",\"deadline_ms\":\"soon\"}"));
    dead.put("bad-model", utf8("{\"id\":\"w3\",\"text\":\"hello\",\"model\":\"Not A Name!\"}"));
    dead.put(
        "duplicate-key",
        utf8("{\"id\":\"d1\",\"id\":\"d2\",\"text\":\"hello\",\"model\":\"" + model + "\"}"));
    byte[] invalidUtf8 = utf8("{\"id\":\"u1\",\"text\":\"caf\",\"model\":\"" + model + "\"}");
    byte[] withBadByte = new byte[invalidUtf8.length + 2];
    int at = new String(invalidUtf8, StandardCharsets.UTF_8).indexOf("caf") + 3;
    System.arraycopy(invalidUtf8, 0, withBadByte, 0, at);
    withBadByte[at] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
    withBadByte[at + 1] = (byte) 0x28;
    System.arraycopy(invalidUtf8, at, withBadByte, at + 2, invalidUtf8.length - at);
    dead.put("invalid-utf8", withBadByte);
    dead.put("tombstone", null);

    Map<String, String> expectedField = new HashMap<>();
    expectedField.put("missing-id", "id");
    expectedField.put("empty-text", "text");
    expectedField.put("blank-text", "text");
    expectedField.put("text-number", "text");
    expectedField.put("id-number", "id");
    expectedField.put("deadline-string", "deadline_ms");
    expectedField.put("bad-model", "model");
    expectedField.put("duplicate-key", "id");

    String huge = "great ".repeat((1 << 20) / 6 + 1); // over 1 MB of text
    List<String> goodIds = new ArrayList<>();
    try (Gateway gateway = Gateway.start(config);
        ResultCollector results =
            new ResultCollector(
                kafka.bootstrapServers(),
                config.kafka().topics().results(),
                new SendLog(),
                id -> true,
                readCommitted);
        KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
      assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
      Map<String, RecordMetadata> sentAt = new HashMap<>();
      for (Map.Entry<String, byte[]> e : dead.entrySet()) {
        sentAt.put(
            e.getKey(),
            producer.send(new ProducerRecord<>(requests, utf8(e.getKey()), e.getValue())).get());
      }
      send(
          producer,
          requests,
          "huge",
          "{\"id\":\"huge\",\"text\":\"" + huge + "\",\"model\":\"" + model + "\"}");
      send(
          producer,
          requests,
          "unknown",
          "{\"id\":\"unknown\",\"text\":\"hi\",\"model\":\"no-such-model\"}");
      send(
          producer,
          requests,
          "pinned",
          "{\"id\":\"pinned\",\"text\":\"hi\",\"model\":\"" + model + ":9\"}");
      send(
          producer,
          requests,
          "late",
          "{\"id\":\"late\",\"text\":\"hi\",\"model\":\"" + model + "\",\"deadline_ms\":1}");
      for (int i = 0; i < 20; i++) {
        String id = "good-" + i;
        goodIds.add(id);
        send(
            producer,
            requests,
            id,
            "{\"id\":\""
                + id
                + "\",\"text\":\"The soup was cold "
                + i
                + "\",\"model\":\""
                + model
                + "\"}");
      }

      Set<String> answeredIds = new java.util.HashSet<>(goodIds);
      answeredIds.addAll(List.of("huge", "unknown", "pinned", "late"));
      assertTrue(
          results.awaitAnswers(answeredIds, Duration.ofMinutes(2)), "all decodable answered");
      Map<String, Answer> a = results.answers();
      for (String id : goodIds) {
        assertEquals(ResultStatus.OK, a.get(id).result().status(), id);
      }
      ClassificationResult hugeResult = a.get("huge").result();
      assertEquals(ResultStatus.OK, hugeResult.status());
      assertTrue(hugeResult.truncated(), "1 MB text answered with truncated=true");
      assertEquals("positive", hugeResult.label());
      assertResult(a, "unknown", ResultStatus.REJECTED, "model 'no-such-model' is not served");
      assertResult(
          a, "pinned", ResultStatus.REJECTED, "version 9 of model '" + model + "' is not loaded");
      assertResult(a, "late", ResultStatus.EXPIRED, "deadline passed");
      assertEquals(answeredIds.size(), a.size(), "no result for undecodable records");

      List<ConsumerRecord<byte[], byte[]>> letters =
          readAll(kafka.bootstrapServers(), config.kafka().topics().deadLetter(), dead.size());
      assertEquals(dead.size(), letters.size(), "one dead letter per undecodable record");
      for (ConsumerRecord<byte[], byte[]> d : letters) {
        String key = new String(d.key(), StandardCharsets.UTF_8);
        String reason = header(d, EventHeaders.DLQ_REASON);
        System.out.printf(
            "DLQ %-16s field=%-12s reason=%s%n", key, header(d, EventHeaders.DLQ_FIELD), reason);
        RecordMetadata src = sentAt.get(key);
        assertEquals(requests, header(d, EventHeaders.ORIGINAL_TOPIC));
        assertEquals(String.valueOf(src.partition()), header(d, EventHeaders.ORIGINAL_PARTITION));
        assertEquals(String.valueOf(src.offset()), header(d, EventHeaders.ORIGINAL_OFFSET));
        assertTrue(reason != null && !reason.isBlank(), key + " has a reason");
        if (expectedField.containsKey(key)) {
          assertEquals(expectedField.get(key), header(d, EventHeaders.DLQ_FIELD), key);
        }
        if (dead.get(key) == null) {
          assertNull(d.value(), "tombstone stays a tombstone");
        } else {
          assertEquals(
              new String(dead.get(key), StandardCharsets.ISO_8859_1),
              new String(d.value(), StandardCharsets.ISO_8859_1),
              key + " keeps its bytes");
        }
      }
      Map<String, String> reasons = new HashMap<>();
      letters.forEach(
          d ->
              reasons.put(
                  new String(d.key(), StandardCharsets.UTF_8), header(d, EventHeaders.DLQ_REASON)));
      assertTrue(reasons.get("not-json").startsWith("malformed JSON"), reasons.get("not-json"));
      assertTrue(
          reasons.get("invalid-utf8").startsWith("invalid UTF-8"), reasons.get("invalid-utf8"));
      assertTrue(reasons.get("tombstone").startsWith("empty record"), reasons.get("tombstone"));
      assertNull(gateway.kafkaFailure());
      assertTrue(
          KafkaDeliveryTest.awaitCommitted(
              kafka.bootstrapServers(), config, Duration.ofSeconds(10)),
          "bad records are committed like good ones");
      String metrics = gateway.metrics().scrape();
      assertTrue(
          metrics.contains("prunegate_gateway_dlq_total{reason=\"invalid_utf8\"} 1.0"),
          "DLQ metric by reason");
    }
  }

  private static void assertResult(
      Map<String, Answer> a, String id, ResultStatus status, String reasonStart) {
    ClassificationResult r = a.get(id).result();
    assertEquals(status, r.status(), id);
    assertTrue(r.error().startsWith(reasonStart), id + ": " + r.error());
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : EventHeaders.text(h.value());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, String json)
      throws Exception {
    p.send(new ProducerRecord<>(topic, utf8(key), utf8(json))).get();
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("max.request.size", 4 << 20);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrap, String topic, int expected) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("enable.auto.commit", false);
    p.put("isolation.level", "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < expected && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // Anything beyond the expected count would show up in a final short poll.
      c.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }
}
