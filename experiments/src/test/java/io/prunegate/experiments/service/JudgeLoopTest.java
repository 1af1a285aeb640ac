package io.prunegate.experiments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.Feedback;
import io.prunegate.events.ModelEvent;
import io.prunegate.events.ModelEventType;
import io.prunegate.events.Topics;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.ExperimentStore;
import io.prunegate.experiments.join.JoinSettings;
import io.prunegate.experiments.join.JoinTopology;
import io.prunegate.experiments.policy.DecisionPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The judge loop over the real join topology (Kafka Streams' test driver), judging only: a worse
 * challenger is rolled back once and not judged again, one short of labels continues until the
 * maximum duration makes it inconclusive, and the metrics follow each state.
 */
class JudgeLoopTest {

  private static final String MODEL = "tickets";
  private static final Topics TOPICS = Topics.defaults();
  private static final DecisionPolicy POLICY =
      DecisionPolicy.parse(
          "{\"defaults\": {\"non_inferiority_margin_points\": 5.0, \"min_labelled_per_arm\": 100,"
              + " \"max_duration\": \"PT1H\", \"latency_guard\": false,"
              + " \"planned_labels_per_arm\": 500}}");

  @TempDir Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> results;
  private TestInputTopic<byte[], byte[]> feedback;
  private TestInputTopic<byte[], byte[]> modelEvents;
  private final AtomicLong clock = new AtomicLong();
  private ExperimentMetrics metrics;
  private JudgeLoop loop;
  private long sequence;

  @BeforeEach
  void start() {
    JoinSettings settings = new JoinSettings(TOPICS, "judge-loop-test", Duration.ofDays(1));
    Properties p = JoinTopology.properties(settings, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(JoinTopology.build(settings), p);
    ByteArraySerializer bytes = new ByteArraySerializer();
    results = driver.createInputTopic(TOPICS.results(), bytes, bytes);
    feedback = driver.createInputTopic(TOPICS.feedback(), bytes, bytes);
    modelEvents = driver.createInputTopic(TOPICS.modelEvents(), bytes, bytes);
    ExperimentStore store =
        new ExperimentStore(
            driver.getKeyValueStore(JoinTopology.EXPERIMENTS),
            driver.getTimestampedKeyValueStore(JoinTopology.AGGREGATES),
            driver.getTimestampedKeyValueStore(JoinTopology.JOIN_COUNTERS),
            driver.getTimestampedKeyValueStore(JoinTopology.INPUT_COUNTERS));
    metrics = new ExperimentMetrics(List.of(TOPICS.results(), TOPICS.feedback()));
    loop = new JudgeLoop(() -> store, POLICY, null, clock::get, metrics);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void aWorseChallengerIsRolledBackOnceAndNotJudgedAgain() {
    alias("champion", 1, 0);
    alias("challenger", 2, 0);
    clock.set(1_000);
    assertInstanceOf(Verdict.Continue.class, loop.pass().get(0).verdict());
    // champion right 9 in 10, challenger 5 in 10
    for (int i = 0; i < 400; i++) {
      int version = i % 2 == 0 ? 1 : 2;
      boolean right = (i / 2) % 10 < (version == 1 ? 9 : 5);
      answer("r" + i, version, right ? "pos" : "neg", 1_000 + i);
      label("r" + i, "pos", 2_000 + i);
    }
    clock.set(60_000);
    List<ExperimentStatus> judged = loop.pass();
    assertEquals(1, judged.size());
    ExperimentStatus s = judged.get(0);
    assertInstanceOf(Verdict.Rollback.class, s.verdict(), s.toString());
    assertEquals(200, s.champion().tally().labelled());
    assertEquals(180, s.champion().tally().correct());
    assertEquals(100, s.challenger().tally().correct());
    assertTrue(s.difference().upper() < -0.05, s.difference().toString());
    assertNull(s.action(), "judge only: nothing acted on");
    assertEquals(List.of(), loop.pass(), "a decided experiment is not judged again");
    assertEquals(1, loop.statuses().size());

    String m = metrics.scrape();
    assertTrue(m.contains("state=\"rollback\"} 1.0"), m);
    assertTrue(m.contains("state=\"continue\"} 0.0"), m);
    assertTrue(m.contains("prunegate_experiments_verdicts_total{verdict=\"rollback\"} 1.0"), m);
    assertTrue(m.contains("arm=\"champion\""), m);
  }

  @Test
  void tooFewLabelsContinueUntilTheMaximumDurationMakesItInconclusive() {
    alias("champion", 1, 0);
    alias("challenger", 2, 0);
    for (int i = 0; i < 40; i++) {
      answer("r" + i, i % 2 == 0 ? 1 : 2, "pos", 1_000 + i);
      label("r" + i, "pos", 2_000 + i);
    }
    clock.set(Duration.ofMinutes(59).toMillis());
    ExperimentStatus waiting = loop.pass().get(0);
    assertInstanceOf(Verdict.Continue.class, waiting.verdict(), waiting.toString());
    assertEquals(20, waiting.challenger().tally().labelled());
    clock.set(Duration.ofMinutes(61).toMillis());
    ExperimentStatus ended = loop.pass().get(0);
    assertInstanceOf(Verdict.Inconclusive.class, ended.verdict(), ended.toString());
    assertTrue(metrics.scrape().contains("state=\"inconclusive\"} 1.0"));
  }

  private void alias(String alias, int version, long atMs) {
    sequence++;
    ModelEvent e =
        new ModelEvent(
            UUID.randomUUID().toString(),
            ModelEvent.SCHEMA_VERSION,
            ModelEventType.ALIAS_MOVED.wireName(),
            atMs,
            sequence,
            MODEL,
            version,
            alias,
            null,
            null,
            null,
            Map.of());
    modelEvents.pipeInput(MODEL.getBytes(StandardCharsets.UTF_8), EventCodec.get().encode(e), atMs);
  }

  private void answer(String id, int version, String label, long atMs) {
    ClassificationResult r =
        ClassificationResult.ok(
            id,
            label,
            Map.of(label, 0.9),
            MODEL,
            version,
            version == 1 ? "champion" : "challenger",
            3,
            12.5,
            false);
    results.pipeInput("key-1".getBytes(StandardCharsets.UTF_8), EventCodec.get().encode(r), atMs);
  }

  private void label(String id, String label, long atMs) {
    feedback.pipeInput(null, EventCodec.get().encode(new Feedback(id, label, MODEL, atMs)), atMs);
  }
}
