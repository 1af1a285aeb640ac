package io.prunegate.experiments.join;

import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The names of the join's durable counters (in the {@link JoinTopology#INPUT_COUNTERS} and {@link
 * JoinTopology#JOIN_COUNTERS} stores): what it skipped, dropped or could not attribute, so that
 * nothing disappears silently.
 */
public final class JoinCounters {

  /** Prefix of the per-topic counters of undecodable records: {@code malformed.<topic>}. */
  public static final String MALFORMED = "malformed.";

  /** A repeated answer (results or shadow results) for an id already answered. */
  public static final String DUPLICATE_ANSWERS = "answers.duplicate";

  /** A repeated label for an id already labelled. */
  public static final String DUPLICATE_LABELS = "labels.duplicate";

  /** A label that arrived more than the label delay after its answer: dropped. */
  public static final String LATE_LABELS = "labels.late";

  /** A label whose answer never arrived within the delay: dropped when its entry expired. */
  public static final String UNMATCHED_LABELS = "labels.unmatched";

  /** An answer no experiment covers (no experiment open for its model and version). */
  public static final String UNATTRIBUTED_ANSWERS = "answers.unattributed";

  /** Entries dropped because their label delay passed. */
  public static final String EXPIRED = "pending.expired";

  private JoinCounters() {}

  /** Adds one to {@code name} in {@code store}; returns the new count. */
  static long increment(TimestampedKeyValueStore<String, Long> store, String name, long atMs) {
    ValueAndTimestamp<Long> held = store.get(name);
    long n = (held == null ? 0 : held.value()) + 1;
    store.put(name, ValueAndTimestamp.make(n, atMs));
    return n;
  }
}
