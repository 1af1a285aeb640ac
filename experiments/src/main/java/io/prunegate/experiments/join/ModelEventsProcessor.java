package io.prunegate.experiments.join;

import io.prunegate.events.EventCodec;
import io.prunegate.events.InvalidRecordException;
import io.prunegate.events.ModelEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global experiments store: folds each model event into its model's {@link
 * ModelExperiments}. Global, because every partition of the join attributes answers of any model;
 * the store is rebuilt from the model-events topic (Kafka Streams runs this processor again on
 * restore), and the fold is idempotent, so replays change nothing. Undecodable events are logged
 * and skipped.
 */
final class ModelEventsProcessor implements Processor<byte[], byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(ModelEventsProcessor.class);

  private KeyValueStore<String, ModelExperiments> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(JoinTopology.EXPERIMENTS);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    ModelEvent event;
    try {
      if (record.value() == null) {
        throw new IllegalArgumentException("no value");
      }
      event = EventCodec.get().decodeModelEvent(record.value());
    } catch (InvalidRecordException | IllegalArgumentException e) {
      LOG.warn("skipped malformed model event error={}", e.getMessage());
      return;
    }
    ModelExperiments before = store.get(event.model());
    if (before == null) {
      before = ModelExperiments.none(event.model());
    }
    ModelExperiments after = before.apply(event);
    if (after != before) {
      store.put(event.model(), after);
    }
  }
}
