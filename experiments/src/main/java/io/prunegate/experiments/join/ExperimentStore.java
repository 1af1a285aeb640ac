package io.prunegate.experiments.join;

import io.prunegate.experiments.decision.ArmSnapshot;
import io.prunegate.experiments.stats.Agreement;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The read side of the join: the experiments of a model, and per experiment and arm the summed
 * aggregates as the judge's {@link ArmSnapshot}s and the shadow's {@link Agreement}. Each partition
 * of the join keeps its own partial counts under the same key; over Kafka Streams' interactive
 * queries a store spans this instance's partitions and the sums here add them up. With several
 * instances each sees only its own partitions (querying the others is not built yet).
 */
public final class ExperimentStore {

  private final ReadOnlyKeyValueStore<String, ModelExperiments> experiments;
  private final ReadOnlyKeyValueStore<String, ValueAndTimestamp<ArmAggregate>> aggregates;
  private final ReadOnlyKeyValueStore<String, ValueAndTimestamp<Long>> joinCounters;
  private final ReadOnlyKeyValueStore<String, ValueAndTimestamp<Long>> inputCounters;

  /** A read side over the join's stores (from interactive queries or a test driver). */
  public ExperimentStore(
      ReadOnlyKeyValueStore<String, ModelExperiments> experiments,
      ReadOnlyKeyValueStore<String, ValueAndTimestamp<ArmAggregate>> aggregates,
      ReadOnlyKeyValueStore<String, ValueAndTimestamp<Long>> joinCounters,
      ReadOnlyKeyValueStore<String, ValueAndTimestamp<Long>> inputCounters) {
    this.experiments = experiments;
    this.aggregates = aggregates;
    this.joinCounters = joinCounters;
    this.inputCounters = inputCounters;
  }

  /** The read side of a running {@link JoinTopology} (its stores must be queryable). */
  public static ExperimentStore of(KafkaStreams streams) {
    return new ExperimentStore(
        streams.store(
            StoreQueryParameters.fromNameAndType(
                JoinTopology.EXPERIMENTS, QueryableStoreTypes.keyValueStore())),
        streams.store(
            StoreQueryParameters.fromNameAndType(
                JoinTopology.AGGREGATES, QueryableStoreTypes.timestampedKeyValueStore())),
        streams.store(
            StoreQueryParameters.fromNameAndType(
                JoinTopology.JOIN_COUNTERS, QueryableStoreTypes.timestampedKeyValueStore())),
        streams.store(
            StoreQueryParameters.fromNameAndType(
                JoinTopology.INPUT_COUNTERS, QueryableStoreTypes.timestampedKeyValueStore())));
  }

  /** The store key of an arm's aggregate. */
  static String key(Experiment e, Arm arm) {
    return e.id() + "|" + arm.name().toLowerCase(Locale.ROOT);
  }

  /** Every model with experiments, by name. */
  public List<String> models() {
    List<String> names = new java.util.ArrayList<>();
    try (KeyValueIterator<String, ModelExperiments> it = experiments.all()) {
      while (it.hasNext()) {
        names.add(it.next().key);
      }
    }
    java.util.Collections.sort(names);
    return names;
  }

  /** The experiments of {@code model}, oldest first. */
  public List<Experiment> experiments(String model) {
    ModelExperiments m = experiments.get(model);
    return m == null ? List.of() : m.experiments();
  }

  /** The aggregate of {@code arm} of {@code e}, summed over the partitions. */
  public ArmAggregate aggregate(Experiment e, Arm arm) {
    ArmAggregate sum = new ArmAggregate();
    String key = key(e, arm);
    // range over one key: a store spanning several partitions yields each partition's entry
    try (KeyValueIterator<String, ValueAndTimestamp<ArmAggregate>> it =
        aggregates.range(key, key)) {
      while (it.hasNext()) {
        sum = sum.plus(it.next().value.value());
      }
    }
    return sum;
  }

  /** What the judge reads about {@code arm} of {@code e}. */
  public ArmSnapshot snapshot(Experiment e, Arm arm) {
    return aggregate(e, arm).snapshot();
  }

  /** The shadow's agreement with the champion in shadow experiment {@code e}. */
  public Agreement agreement(Experiment e) {
    return aggregate(e, Arm.CHALLENGER).agreement();
  }

  /** A counter of {@link JoinCounters} (malformed ones by {@code malformed.<topic>}). */
  public long counter(String name) {
    return sum(joinCounters, name) + sum(inputCounters, name);
  }

  private static long sum(ReadOnlyKeyValueStore<String, ValueAndTimestamp<Long>> store, String k) {
    long n = 0;
    try (KeyValueIterator<String, ValueAndTimestamp<Long>> it = store.range(k, k)) {
      while (it.hasNext()) {
        n += it.next().value.value();
      }
    }
    return n;
  }
}
