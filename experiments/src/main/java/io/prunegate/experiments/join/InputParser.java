package io.prunegate.experiments.join;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.Feedback;
import io.prunegate.events.InvalidRecordException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the records of one input topic with the events codec and forwards them keyed by request
 * id (the results topic is keyed by routing key, feedback often by nothing). A record that does not
 * decode is counted ({@code malformed.<topic>}), logged and skipped: bad input never stops the
 * application, and parsing here rather than in a deserializer keeps the count durable.
 */
final class InputParser implements Processor<byte[], byte[], String, JoinInput> {

  private static final Logger LOG = LoggerFactory.getLogger(InputParser.class);

  private final JoinInput.Source source;
  private final String counter;
  private ProcessorContext<String, JoinInput> context;
  private TimestampedKeyValueStore<String, Long> counters;

  InputParser(JoinInput.Source source, String topic) {
    this.source = source;
    this.counter = JoinCounters.MALFORMED + topic;
  }

  @Override
  public void init(ProcessorContext<String, JoinInput> context) {
    this.context = context;
    this.counters = context.getStateStore(JoinTopology.INPUT_COUNTERS);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String id;
    JoinInput input;
    try {
      if (record.value() == null) {
        throw new IllegalArgumentException("no value");
      }
      if (source == JoinInput.Source.FEEDBACK) {
        Feedback f = EventCodec.get().decodeFeedback(record.value());
        id = f.id();
        input = JoinInput.label(f.label());
      } else {
        ClassificationResult r = EventCodec.get().decodeResult(record.value());
        id = r.id();
        input = JoinInput.answer(source, AnswerFacts.of(r, record.timestamp()));
      }
    } catch (InvalidRecordException | IllegalArgumentException e) {
      long n = JoinCounters.increment(counters, counter, record.timestamp());
      // every record would flood the log during a bad deploy; the count has them all
      if (n <= 10 || n % 1000 == 0) {
        LOG.warn(
            "skipped malformed record ({} so far) topic={} offset={} error={}",
            n,
            context.recordMetadata().map(m -> m.topic()).orElse("?"),
            context.recordMetadata().map(m -> m.offset()).orElse(-1L),
            e.getMessage());
      }
      return;
    }
    context.forward(record.withKey(id).withValue(input));
  }
}
