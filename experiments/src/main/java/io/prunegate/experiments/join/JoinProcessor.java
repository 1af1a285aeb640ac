package io.prunegate.experiments.join;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The join, per request id: keeps each id's answer, shadow answer and label ({@link PendingJoin})
 * until the label delay after the first of them has passed, and updates the arms' aggregates as
 * each piece arrives, in whatever order. Repeats are counted once; a label after the delay is
 * dropped and counted (as late while its answer's entry is still held, which is up to one expiry
 * interval past the delay; later, as unmatched when its own entry expires); entries past the delay
 * are removed by a stream-time punctuation over an index by expiry time, so the scan touches only
 * what expires.
 *
 * <p>Attribution: an answer from the results topic counts for the champion arm of every experiment
 * of its model whose champion version it has, and for the challenger arm of a challenger experiment
 * whose challenger version it has; an answer from the shadow-results topic counts for the shadow
 * arm of a shadow experiment with its version. In both cases the experiment must cover the answer's
 * timestamp, so a label arriving after the experiment ended still counts for the experiment its
 * answer belonged to.
 */
final class JoinProcessor implements Processor<String, JoinInput, Void, Void> {

  private final long delayMs;
  private final long graceMs;
  private final JoinSettings settings;
  private ProcessorContext<Void, Void> context;
  private TimestampedKeyValueStore<String, PendingJoin> pending;
  private TimestampedKeyValueStore<String, String> expiry;
  private TimestampedKeyValueStore<String, ArmAggregate> aggregates;
  private TimestampedKeyValueStore<String, Long> counters;
  private KeyValueStore<String, ModelExperiments> experiments;
  private long now;

  JoinProcessor(JoinSettings settings) {
    this.settings = settings;
    this.delayMs = settings.labelDelay().toMillis();
    this.graceMs = settings.expiryInterval().toMillis();
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    pending = context.getStateStore(JoinTopology.PENDING);
    expiry = context.getStateStore(JoinTopology.EXPIRY);
    aggregates = context.getStateStore(JoinTopology.AGGREGATES);
    counters = context.getStateStore(JoinTopology.JOIN_COUNTERS);
    experiments = context.getStateStore(JoinTopology.EXPERIMENTS);
    context.schedule(settings.expiryInterval(), PunctuationType.STREAM_TIME, this::expire);
  }

  @Override
  public void process(Record<String, JoinInput> record) {
    String id = record.key();
    now = record.timestamp();
    JoinInput in = record.value();
    ValueAndTimestamp<PendingJoin> held = pending.get(id);
    PendingJoin p = held == null ? null : held.value();
    if (p != null && now >= p.expiresAtMs()) {
      if (in.source() == JoinInput.Source.FEEDBACK && (p.answer() != null || p.shadow() != null)) {
        count(p.label() == null ? JoinCounters.LATE_LABELS : JoinCounters.DUPLICATE_LABELS);
        return;
      }
      // the punctuation has not run yet: what it would drop is dropped now
      drop(id, p);
      p = null;
    }
    if (p == null) {
      p = PendingJoin.expiringAt(now + delayMs);
      expiry.put(expiryKey(p.expiresAtMs(), id), ValueAndTimestamp.make(id, now));
    }
    switch (in.source()) {
      case RESULTS -> {
        if (p.answer() != null) {
          count(JoinCounters.DUPLICATE_ANSWERS);
          return;
        }
        p = p.withAnswer(in.answer());
        onAnswer(p);
      }
      case SHADOW_RESULTS -> {
        if (p.shadow() != null) {
          count(JoinCounters.DUPLICATE_ANSWERS);
          return;
        }
        p = p.withShadow(in.answer());
        onShadow(p);
      }
      case FEEDBACK -> {
        if (p.label() != null) {
          count(JoinCounters.DUPLICATE_LABELS);
          return;
        }
        p = p.withLabel(in.label());
        onLabel(p);
      }
    }
    pending.put(id, ValueAndTimestamp.make(p, now));
  }

  private void onAnswer(PendingJoin p) {
    AnswerFacts a = p.answer();
    boolean attributed = false;
    for (Experiment e : covering(a)) {
      Arm arm = armOf(e, a, false);
      if (arm != null) {
        attributed = true;
        update(e, arm, agg -> agg.answer(a, p.label()));
        compare(e, a, p.shadow());
      }
    }
    if (!attributed) {
      count(JoinCounters.UNATTRIBUTED_ANSWERS);
    }
  }

  private void onShadow(PendingJoin p) {
    AnswerFacts s = p.shadow();
    boolean attributed = false;
    for (Experiment e : covering(s)) {
      if (armOf(e, s, true) != null) {
        attributed = true;
        update(e, Arm.CHALLENGER, agg -> agg.answer(s, p.label()));
        compare(e, p.answer(), s);
      }
    }
    if (!attributed) {
      count(JoinCounters.UNATTRIBUTED_ANSWERS);
    }
  }

  private void onLabel(PendingJoin p) {
    label(p.answer(), false, p.label());
    label(p.shadow(), true, p.label());
  }

  private void label(AnswerFacts a, boolean shadow, String trueLabel) {
    if (a == null || !a.ok()) {
      return;
    }
    for (Experiment e : covering(a)) {
      Arm arm = armOf(e, a, shadow);
      if (arm != null) {
        update(e, arm, agg -> agg.label(a, trueLabel));
      }
    }
  }

  /** Counts a comparison for shadow experiment {@code e} once both ok answers are in it. */
  private void compare(Experiment e, AnswerFacts champion, AnswerFacts shadow) {
    if (champion != null
        && shadow != null
        && champion.ok()
        && shadow.ok()
        && armOf(e, champion, false) == Arm.CHAMPION
        && armOf(e, shadow, true) == Arm.CHALLENGER
        && e.covers(champion.timestampMs())
        && e.covers(shadow.timestampMs())) {
      update(e, Arm.CHALLENGER, agg -> agg.compare(champion.label().equals(shadow.label())));
    }
  }

  /** The arm of {@code e} that answer {@code a} belongs to, or null. */
  private static Arm armOf(Experiment e, AnswerFacts a, boolean shadow) {
    int v = a.version();
    if (shadow) {
      return e.kind() == Experiment.Kind.SHADOW && v == e.challengerVersion()
          ? Arm.CHALLENGER
          : null;
    }
    if (v == e.championVersion()) {
      return Arm.CHAMPION;
    }
    return e.kind() == Experiment.Kind.CHALLENGER && v == e.challengerVersion()
        ? Arm.CHALLENGER
        : null;
  }

  private List<Experiment> covering(AnswerFacts a) {
    if (a.model() == null || a.version() == null) {
      return List.of();
    }
    ModelExperiments m = experiments.get(a.model());
    return m == null ? List.of() : m.covering(a.timestampMs());
  }

  private void update(Experiment e, Arm arm, Consumer<ArmAggregate> change) {
    String key = ExperimentStore.key(e, arm);
    ValueAndTimestamp<ArmAggregate> held = aggregates.get(key);
    ArmAggregate agg = held == null ? new ArmAggregate() : held.value();
    change.accept(agg);
    aggregates.put(key, ValueAndTimestamp.make(agg, now));
  }

  private void count(String name) {
    JoinCounters.increment(counters, name, now);
  }

  private void drop(String id, PendingJoin p) {
    pending.delete(id);
    count(JoinCounters.EXPIRED);
    if (p.label() != null && p.answer() == null && p.shadow() == null) {
      count(JoinCounters.UNMATCHED_LABELS);
    }
  }

  /**
   * Drops the entries whose delay passed at least one expiry interval before {@code
   * punctuationTime}. The interval's grace keeps an entry a little past its delay, so that a label
   * arriving just after the delay is recognised (and counted) as late rather than as a label
   * without an answer.
   */
  private void expire(long punctuationTime) {
    now = punctuationTime;
    long streamTime = punctuationTime - graceMs;
    if (streamTime < 0) {
      return;
    }
    List<KeyValue<String, String>> due = new ArrayList<>();
    // keys sort by expiry time (zero-padded), so everything before streamTime + 1 is due
    try (KeyValueIterator<String, ValueAndTimestamp<String>> it =
        expiry.range(expiryKey(0, ""), expiryKey(streamTime + 1, ""))) {
      it.forEachRemaining(kv -> due.add(KeyValue.pair(kv.key, kv.value.value())));
    }
    for (KeyValue<String, String> kv : due) {
      expiry.delete(kv.key);
      ValueAndTimestamp<PendingJoin> held = pending.get(kv.value);
      // an entry dropped early and started again has a later expiry of its own
      if (held != null && held.value().expiresAtMs() <= streamTime) {
        drop(kv.value, held.value());
      }
    }
  }

  private static String expiryKey(long atMs, String id) {
    return String.format("%019d|%s", atMs, id);
  }
}
