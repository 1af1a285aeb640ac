package io.prunegate.experiments.join;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.Feedback;
import io.prunegate.events.ModelEvent;
import io.prunegate.events.Topics;
import io.prunegate.experiments.stats.ArmTally;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.Topic;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join on the embedded KRaft broker with {@code exactly_once_v2}: a few thousand results (a
 * tenth sent twice) and their labels (a twentieth sent twice) end in exactly the counts computed
 * from what was produced.
 */
@WithKafkaBroker
class JoinOnBrokerTest {

  private static final int N = 3000;
  private static final String MODEL = "broker-join";

  @Test
  void exactlyOnceCountsFromRealTopics(EmbeddedKafka kafka, @TempDir Path stateDir)
      throws Exception {
    Topics t =
        new Topics("jb.req", "jb.results", "jb.dlq", "jb.feedback", "jb.events", "jb.shadow");
    kafka.createTopics(
        new Topic(t.results(), 3),
        new Topic(t.shadowResults(), 3),
        new Topic(t.feedback(), 2),
        new Topic(t.modelEvents(), 1));
    long start = System.currentTimeMillis() - 60_000;
    long championRight = 0;
    long challengerRight = 0;
    try (KafkaProducer<byte[], byte[]> p = producer(kafka.bootstrapServers())) {
      p.send(event(t, 1, "champion", 1, start));
      p.send(event(t, 2, "challenger", 2, start));
      for (int i = 0; i < N; i++) {
        int version = i % 2 == 0 ? 1 : 2;
        String predicted = i % 3 == 0 ? "neg" : "pos";
        if (predicted.equals("pos")) { // the true label is always pos
          if (version == 1) {
            championRight++;
          } else {
            challengerRight++;
          }
        }
        ClassificationResult r =
            ClassificationResult.ok(
                "id-" + i,
                predicted,
                Map.of(predicted, 0.9),
                MODEL,
                version,
                version == 1 ? "champion" : "challenger",
                4,
                10 + i % 7,
                false);
        ProducerRecord<byte[], byte[]> rec =
            new ProducerRecord<>(t.results(), key("k-" + i % 17), EventCodec.get().encode(r));
        p.send(rec);
        if (i % 10 == 0) {
          p.send(rec); // an at-least-once repeat
        }
        ProducerRecord<byte[], byte[]> label =
            new ProducerRecord<>(
                t.feedback(),
                null,
                EventCodec.get()
                    .encode(new Feedback("id-" + i, "pos", MODEL, System.currentTimeMillis())));
        p.send(label);
        if (i % 20 == 0) {
          p.send(label);
        }
      }
      p.send(new ProducerRecord<>(t.results(), null, "junk".getBytes(StandardCharsets.UTF_8)));
    }

    JoinSettings settings = new JoinSettings(t, "join-broker-test", Duration.ofDays(7));
    Properties props = JoinTopology.properties(settings, kafka.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    long began = System.nanoTime();
    try (KafkaStreams streams = new KafkaStreams(JoinTopology.build(settings), props)) {
      streams.start();
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      ExperimentStore store = null;
      Experiment e = null;
      long labelled = 0;
      while (labelled < N && System.nanoTime() < deadline) {
        Thread.sleep(200);
        try {
          store = store == null ? ExperimentStore.of(streams) : store;
          List<Experiment> all = store.experiments(MODEL);
          if (all.isEmpty()) {
            continue;
          }
          e = all.get(0);
          labelled =
              store.snapshot(e, Arm.CHAMPION).tally().labelled()
                  + store.snapshot(e, Arm.CHALLENGER).tally().labelled();
        } catch (InvalidStateStoreException notYet) {
          store = null; // rebalancing or restoring: ask again
        }
      }
      System.out.printf(
          "joined %d labels in %.1f s%n", labelled, (System.nanoTime() - began) / 1e9);
      assertEquals(N, labelled);
      assertEquals(
          new ArmTally(N / 2, N / 2, championRight), store.snapshot(e, Arm.CHAMPION).tally());
      assertEquals(
          new ArmTally(N / 2, N / 2, challengerRight), store.snapshot(e, Arm.CHALLENGER).tally());
      assertEquals(N / 10, store.counter(JoinCounters.DUPLICATE_ANSWERS));
      assertEquals(N / 20, store.counter(JoinCounters.DUPLICATE_LABELS));
      assertEquals(1, store.counter(JoinCounters.MALFORMED + t.results()));
      assertEquals(0, store.counter(JoinCounters.UNATTRIBUTED_ANSWERS));
      assertEquals(4.0, store.aggregate(e, Arm.CHAMPION).meanExitLayer());
    }
  }

  private static ProducerRecord<byte[], byte[]> event(
      Topics t, long seq, String alias, int version, long atMs) {
    ModelEvent e = JoinFixtures.aliasMoved(MODEL, seq, alias, version, atMs);
    return new ProducerRecord<>(t.modelEvents(), key(MODEL), EventCodec.get().encode(e));
  }

  private static byte[] key(String k) {
    return k.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
