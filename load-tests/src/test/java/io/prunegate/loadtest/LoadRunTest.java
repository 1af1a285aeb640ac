package io.prunegate.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.Topic;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The load generator's own bookkeeping on a real broker: a responder thread answers each request
 * (every tenth one twice), and the run must count every id, the duplicates, and the send rate.
 */
@WithKafkaBroker
class LoadRunTest {

  @Test
  void countsAnswersDuplicatesAndLatencyByRequestId(EmbeddedKafka kafka) throws Exception {
    kafka.createTopics(new Topic("lt.requests", 3), new Topic("lt.results", 3));
    AtomicBoolean running = new AtomicBoolean(true);
    Thread responder = new Thread(() -> respond(kafka.bootstrapServers(), running));
    responder.start();
    try (LoadRun run =
        LoadRun.open(LoadTarget.of(kafka.bootstrapServers(), "lt.requests", "lt.results"))) {
      LoadPlan plan = LoadPlan.of("p", 300, 200, "m", List.of("a", "b")).withKeySpace(7);
      PhaseReport r = run.run(plan, Duration.ofSeconds(60));
      System.out.println(r);
      assertEquals(300, r.answered());
      assertEquals(0, r.missing());
      assertEquals(Map.of("ok", 300), r.byStatus());
      // The responder answers the 30 ids ending in 0 twice (second copies may trail the report).
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (run.collector().duplicates() < 30 && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      assertEquals(30, run.collector().duplicates());
      assertTrue(r.duplicates() <= 30);
      assertTrue(r.latency().count() == 300 && r.latency().p50Ms() > 0);
      assertTrue(r.sendSeconds() >= 1.3, "300 at 200/s take about 1.5 s: " + r.sendSeconds());
      // The command line runs the same phases against the same responder.
      int exit =
          new picocli.CommandLine(new LoadTestMain())
              .execute(
                  "--bootstrap", kafka.bootstrapServers(),
                  "--topic-requests", "lt.requests",
                  "--topic-results", "lt.results",
                  "--model", "m",
                  "--requests", "40",
                  "--rate", "100,200",
                  "--timeout", "60");
      assertEquals(0, exit, "every request of both phases answered");
    } finally {
      running.set(false);
      responder.join();
    }
  }

  private static void respond(String bootstrap, AtomicBoolean running) {
    Properties c = new Properties();
    c.put("bootstrap.servers", bootstrap);
    c.put("group.id", "responder");
    c.put("auto.offset.reset", "earliest");
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.subscribe(List.of("lt.requests"));
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(50))) {
          ClassificationRequest req = EventCodec.get().decodeRequest(rec.value());
          byte[] answer =
              EventCodec.get()
                  .encode(
                      ClassificationResult.ok(
                          req.id(), "x", Map.of("x", 1.0), "m", 1, "champion", 1, 1, false));
          producer.send(new ProducerRecord<>("lt.results", rec.key(), answer));
          if (req.id().endsWith("0")) {
            producer.send(new ProducerRecord<>("lt.results", rec.key(), answer));
          }
        }
      }
    }
  }
}
