package io.prunegate.experiments.join;

import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/**
 * The Kafka Streams topology of the experiments join. Results, shadow results and feedback are
 * decoded ({@link InputParser}, malformed records counted and skipped), re-keyed by request id
 * through one repartition topic, and joined by {@link JoinProcessor} in persistent timestamped
 * stores with changelog topics: pending ids, their expiry index, the per-experiment and per-arm
 * aggregates and the join's counters. Model events feed a global store of experiments ({@link
 * ModelEventsProcessor}) that every partition reads. Run it with {@link #properties}, which sets
 * {@code exactly_once_v2}: an input is counted once in the stores even across crashes.
 */
public final class JoinTopology {

  /** Global store: {@link ModelExperiments} by model name. */
  public static final String EXPERIMENTS = "experiments";

  /** {@link PendingJoin} by request id. */
  public static final String PENDING = "join-pending";

  /** The pending ids by expiry time ({@code <zero-padded ms>|<id>} to the id). */
  public static final String EXPIRY = "join-expiry";

  /** {@link ArmAggregate} by {@code <experiment id>|<arm>}, one partial count per partition. */
  public static final String AGGREGATES = "arm-aggregates";

  /** The join's counters ({@link JoinCounters}) by name. */
  public static final String JOIN_COUNTERS = "join-counters";

  /** The malformed-record counters of the input parsers by name. */
  public static final String INPUT_COUNTERS = "input-counters";

  private JoinTopology() {}

  /** The topology for {@code settings}. */
  public static Topology build(JoinSettings settings) {
    StreamsBuilder b = new StreamsBuilder();
    b.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EXPERIMENTS),
                Serdes.String(),
                ModelExperiments.SERDE)
            // a global store is rebuilt from its source topic, never from a changelog
            .withLoggingDisabled(),
        settings.topics().modelEvents(),
        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("model-events"),
        ModelEventsProcessor::new);
    b.addStateStore(store(INPUT_COUNTERS, Serdes.Long()));
    b.addStateStore(store(PENDING, PendingJoin.SERDE));
    b.addStateStore(store(EXPIRY, Serdes.String()));
    b.addStateStore(store(AGGREGATES, ArmAggregate.SERDE));
    b.addStateStore(store(JOIN_COUNTERS, Serdes.Long()));
    KStream<String, JoinInput> results =
        parsed(b, settings.topics().results(), JoinInput.Source.RESULTS, "results");
    KStream<String, JoinInput> shadow =
        parsed(
            b,
            settings.topics().shadowResults(),
            JoinInput.Source.SHADOW_RESULTS,
            "shadow-results");
    KStream<String, JoinInput> feedback =
        parsed(b, settings.topics().feedback(), JoinInput.Source.FEEDBACK, "feedback");
    results
        .merge(shadow, Named.as("answers"))
        .merge(feedback, Named.as("answers-and-labels"))
        .repartition(Repartitioned.with(Serdes.String(), JoinInput.SERDE).withName("by-request-id"))
        .process(
            () -> new JoinProcessor(settings),
            Named.as("join"),
            PENDING,
            EXPIRY,
            AGGREGATES,
            JOIN_COUNTERS);
    return b.build();
  }

  /**
   * The Kafka Streams configuration: the application id, {@code bootstrapServers} and {@code
   * processing.guarantee=exactly_once_v2}.
   */
  public static Properties properties(JoinSettings settings, String bootstrapServers) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return p;
  }

  private static KStream<String, JoinInput> parsed(
      StreamsBuilder b, String topic, JoinInput.Source source, String name) {
    return b.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name))
        .process(() -> new InputParser(source, topic), Named.as("parse-" + name), INPUT_COUNTERS);
  }

  private static <V> StoreBuilder<TimestampedKeyValueStore<String, V>> store(
      String name, Serde<V> values) {
    return Stores.timestampedKeyValueStoreBuilder(
        Stores.persistentTimestampedKeyValueStore(name), Serdes.String(), values);
  }
}
