package io.prunegate.experiments.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.Feedback;
import io.prunegate.events.ResultStatus;
import io.prunegate.events.Topics;
import io.prunegate.experiments.stats.Agreement;
import io.prunegate.experiments.stats.ArmTally;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join on Kafka Streams' test driver (the real topology, repartition and stores included):
 * either order, repeats counted once, late labels dropped, expiry after the delay, shadow
 * agreement, experiments in sequence on one model, malformed records skipped.
 */
class JoinTopologyTest {

  private static final String MODEL = "tickets";
  private static final Duration DELAY = Duration.ofHours(1);
  private static final Topics TOPICS = Topics.defaults();

  @TempDir Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> results;
  private TestInputTopic<byte[], byte[]> shadowResults;
  private TestInputTopic<byte[], byte[]> feedback;
  private TestInputTopic<byte[], byte[]> modelEvents;
  private ExperimentStore store;
  private long sequence;

  @BeforeEach
  void start() {
    JoinSettings settings = new JoinSettings(TOPICS, "join-test", DELAY);
    Properties p = JoinTopology.properties(settings, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(JoinTopology.build(settings), p);
    ByteArraySerializer bytes = new ByteArraySerializer();
    results = driver.createInputTopic(TOPICS.results(), bytes, bytes);
    shadowResults = driver.createInputTopic(TOPICS.shadowResults(), bytes, bytes);
    feedback = driver.createInputTopic(TOPICS.feedback(), bytes, bytes);
    modelEvents = driver.createInputTopic(TOPICS.modelEvents(), bytes, bytes);
    store =
        new ExperimentStore(
            driver.getKeyValueStore(JoinTopology.EXPERIMENTS),
            driver.getTimestampedKeyValueStore(JoinTopology.AGGREGATES),
            driver.getTimestampedKeyValueStore(JoinTopology.JOIN_COUNTERS),
            driver.getTimestampedKeyValueStore(JoinTopology.INPUT_COUNTERS));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void labelsJoinBeforeAndAfterTheirAnswers() {
    Experiment e = challengerExperiment();
    assertEquals(new Experiment(MODEL, Experiment.Kind.CHALLENGER, 1, 2, 0, Experiment.OPEN), e);

    answer("a", 1, "champion", "pos", 1_000); // answer, then its label
    label("a", "pos", 2_000);
    label("b", "neg", 3_000); // label, then its answer
    answer("b", 2, "challenger", "pos", 4_000);
    answer("c", 2, "challenger", "neg", 5_000); // no label yet

    assertEquals(new ArmTally(1, 1, 1), store.snapshot(e, Arm.CHAMPION).tally());
    assertEquals(new ArmTally(2, 1, 0), store.snapshot(e, Arm.CHALLENGER).tally());
    assertTrue(store.snapshot(e, Arm.CHALLENGER).latencyP99Ms().isPresent());
    assertEquals(3.0, store.aggregate(e, Arm.CHALLENGER).meanExitLayer());
  }

  @Test
  void repeatedAnswersAndLabelsCountOnce() {
    alias("champion", 1, 0);
    alias("challenger", 2, 0);
    alias("challenger", 2, 10); // set again to the version it holds: the experiment goes on
    modelEvents.pipeInput(null, encodedEventWithSequence(2), 20); // event 2 delivered again
    Experiment e = only();
    assertEquals(0, e.startMs());
    for (int i = 0; i < 2; i++) {
      answer("a", 1, "champion", "pos", 1_000 + i);
      label("a", "pos", 2_000 + i);
    }
    assertEquals(new ArmTally(1, 1, 1), store.snapshot(e, Arm.CHAMPION).tally());
    assertEquals(1, store.counter(JoinCounters.DUPLICATE_ANSWERS));
    assertEquals(1, store.counter(JoinCounters.DUPLICATE_LABELS));
  }

  @Test
  void aLabelAfterTheDelayIsDroppedAndCounted() {
    Experiment e = challengerExperiment();
    answer("a", 1, "champion", "pos", 1_000);
    label("a", "pos", 1_000 + DELAY.toMillis() + 1);
    assertEquals(new ArmTally(1, 0, 0), store.snapshot(e, Arm.CHAMPION).tally());
    assertEquals(1, store.counter(JoinCounters.LATE_LABELS));
  }

  @Test
  void entriesExpireAfterTheDelay() {
    Experiment e = challengerExperiment();
    label("x", "pos", 1_000);
    // another id moves stream time past x's delay (and a punctuation interval)
    answer("y", 1, "champion", "pos", 1_000 + DELAY.toMillis() + Duration.ofMinutes(2).toMillis());
    assertEquals(1, store.counter(JoinCounters.EXPIRED));
    assertEquals(1, store.counter(JoinCounters.UNMATCHED_LABELS));
    assertNull(driver.getTimestampedKeyValueStore(JoinTopology.PENDING).get("x"));
    // x's answer now arrives unlabelled: its label was dropped
    answer("x", 1, "champion", "pos", 1_000 + DELAY.toMillis() + Duration.ofMinutes(3).toMillis());
    assertEquals(new ArmTally(2, 0, 0), store.snapshot(e, Arm.CHAMPION).tally());
  }

  @Test
  void shadowAnswersAreComparedWithTheChampionsInEitherOrder() {
    alias("champion", 1, 0);
    alias("shadow", 3, 0);
    Experiment e = only();
    assertEquals(Experiment.Kind.SHADOW, e.kind());
    answer("a", 1, "champion", "pos", 1_000);
    shadow("a", 3, "pos", 1_001);
    shadow("b", 3, "pos", 1_002); // shadow first
    answer("b", 1, "champion", "pos", 1_003);
    answer("c", 1, "champion", "pos", 1_004);
    shadow("c", 3, "neg", 1_005);
    shadow("c", 3, "neg", 1_006); // repeated
    label("a", "pos", 2_000);
    assertEquals(new Agreement(3, 2), store.agreement(e));
    assertEquals(new ArmTally(3, 1, 1), store.snapshot(e, Arm.CHALLENGER).tally());
    assertEquals(new ArmTally(3, 1, 1), store.snapshot(e, Arm.CHAMPION).tally());
    assertEquals(1, store.counter(JoinCounters.DUPLICATE_ANSWERS));
  }

  @Test
  void twoExperimentsOnOneModelInSequence() {
    alias("champion", 1, 0);
    alias("challenger", 2, 0);
    answer("a1", 1, "champion", "pos", 100);
    answer("a2", 2, "challenger", "pos", 200);
    alias("challenger", 3, 1_000); // ends the first, starts the second
    answer("b1", 1, "champion", "pos", 1_100);
    answer("b3", 3, "challenger", "neg", 1_200);
    answer("late2", 2, "challenger", "pos", 1_300); // v2 no longer under test
    for (String id : List.of("a1", "a2", "b1", "b3", "late2")) {
      label(id, "pos", 2_000);
    }
    List<Experiment> all = store.experiments(MODEL);
    assertEquals(2, all.size());
    Experiment first = all.get(0);
    Experiment second = all.get(1);
    assertEquals(1_000, first.endMs());
    assertEquals(3, second.challengerVersion());
    assertTrue(second.isOpen());
    assertEquals(new ArmTally(1, 1, 1), store.snapshot(first, Arm.CHAMPION).tally());
    assertEquals(new ArmTally(1, 1, 1), store.snapshot(first, Arm.CHALLENGER).tally());
    assertEquals(new ArmTally(1, 1, 1), store.snapshot(second, Arm.CHAMPION).tally());
    assertEquals(new ArmTally(1, 1, 0), store.snapshot(second, Arm.CHALLENGER).tally());
    assertEquals(1, store.counter(JoinCounters.UNATTRIBUTED_ANSWERS));
  }

  @Test
  void errorsAndRefusalsAreCountedPerArm() {
    Experiment e = challengerExperiment();
    pipe(
        results,
        new ClassificationResult(
            "e", null, Map.of(), MODEL, 2, "challenger", null, ResultStatus.ERROR, 5, "x", false),
        1_000);
    label("e", "pos", 1_500);
    assertEquals(1, store.snapshot(e, Arm.CHALLENGER).errors());
    assertEquals(ArmTally.EMPTY, store.snapshot(e, Arm.CHALLENGER).tally());
  }

  @Test
  void malformedRecordsAreCountedAndSkipped() {
    Experiment e = challengerExperiment();
    byte[] junk = "{not json".getBytes(StandardCharsets.UTF_8);
    results.pipeInput(null, junk, 1_000);
    shadowResults.pipeInput(null, "{}".getBytes(StandardCharsets.UTF_8), 1_000);
    feedback.pipeInput(null, junk, 1_000);
    modelEvents.pipeInput(null, junk, 1_000);
    results.pipeInput(null, null, 1_000);
    answer("a", 1, "champion", "pos", 2_000);
    label("a", "pos", 2_001);
    assertEquals(2, store.counter(JoinCounters.MALFORMED + TOPICS.results()));
    assertEquals(1, store.counter(JoinCounters.MALFORMED + TOPICS.shadowResults()));
    assertEquals(1, store.counter(JoinCounters.MALFORMED + TOPICS.feedback()));
    assertEquals(new ArmTally(1, 1, 1), store.snapshot(e, Arm.CHAMPION).tally());
    assertEquals(1, store.experiments(MODEL).size());
  }

  // ------------------------------------------------------------------ helpers

  /** Champion 1 and challenger 2 set at time 0: their experiment. */
  private Experiment challengerExperiment() {
    alias("champion", 1, 0);
    alias("challenger", 2, 0);
    return only();
  }

  private Experiment only() {
    List<Experiment> all = store.experiments(MODEL);
    assertEquals(1, all.size(), "one experiment: " + all);
    return all.get(0);
  }

  private void alias(String alias, int version, long atMs) {
    sequence++;
    modelEvents.pipeInput(
        MODEL.getBytes(StandardCharsets.UTF_8),
        EventCodec.get().encode(JoinFixtures.aliasMoved(MODEL, sequence, alias, version, atMs)),
        atMs);
  }

  private byte[] encodedEventWithSequence(long seq) {
    return EventCodec.get().encode(JoinFixtures.aliasMoved(MODEL, seq, "challenger", 9, 0));
  }

  private void answer(String id, int version, String variant, String label, long atMs) {
    pipe(results, ok(id, version, variant, label), atMs);
  }

  private void shadow(String id, int version, String label, long atMs) {
    pipe(shadowResults, ok(id, version, "shadow", label), atMs);
  }

  private static ClassificationResult ok(String id, int version, String variant, String label) {
    return ClassificationResult.ok(
        id, label, Map.of(label, 0.9), MODEL, version, variant, 3, 12.5, false);
  }

  private static void pipe(TestInputTopic<byte[], byte[]> t, ClassificationResult r, long atMs) {
    // keyed by a routing key, not the id: the join re-keys
    t.pipeInput("key-1".getBytes(StandardCharsets.UTF_8), EventCodec.get().encode(r), atMs);
  }

  private void label(String id, String label, long atMs) {
    feedback.pipeInput(null, EventCodec.get().encode(new Feedback(id, label, MODEL, atMs)), atMs);
  }
}
