package io.prunegate.gateway.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once delivery: each answer is sent as soon as it exists, from the thread that completed
 * it (an inference worker, or the consumer thread for dead letters and refusals); a request settles
 * in its ledger when the producer acknowledged its answer, and every commit interval the consumer
 * thread commits each partition's oldest unsettled offset. A crash repeats what was answered after
 * the last commit, never loses one.
 */
final class AtLeastOnceWriter implements AnswerWriter {

  private static final Logger LOG = LoggerFactory.getLogger(AtLeastOnceWriter.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<TopicPartition, PartitionLedger> ledgers;
  private final Failure failure;
  // What was last committed per partition, so an unchanged offset is not committed again.
  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

  AtLeastOnceWriter(
      KafkaConsumer<byte[], byte[]> consumer,
      KafkaProducer<byte[], byte[]> producer,
      Map<TopicPartition, PartitionLedger> ledgers,
      Failure failure) {
    this.consumer = consumer;
    this.producer = producer;
    this.ledgers = ledgers;
    this.failure = failure;
  }

  @Override
  public void init() {}

  @Override
  public void write(
      PartitionLedger ledger,
      long offset,
      ProducerRecord<byte[], byte[]> answer,
      Supplier<ProducerRecord<byte[], byte[]>> smaller) {
    send(offset, answer, smaller, () -> ledger.settle(offset));
  }

  @Override
  public void writeWithShadow(
      PartitionLedger ledger,
      long offset,
      ProducerRecord<byte[], byte[]> answer,
      CompletionStage<ProducerRecord<byte[], byte[]>> shadowAnswer) {
    // The result goes out at once (a shadow never delays it); the offset waits for both.
    AtomicInteger unacknowledged = new AtomicInteger(2);
    Runnable acknowledged =
        () -> {
          if (unacknowledged.decrementAndGet() == 0) {
            ledger.settle(offset);
          }
        };
    send(offset, answer, null, acknowledged);
    shadowAnswer.thenAccept(shadow -> send(offset, shadow, null, acknowledged));
  }

  private void send(
      long offset,
      ProducerRecord<byte[], byte[]> answer,
      Supplier<ProducerRecord<byte[], byte[]>> smaller,
      Runnable acknowledged) {
    producer.send(
        answer,
        (md, e) -> {
          if (e == null) {
            acknowledged.run();
          } else if (e instanceof RecordTooLargeException && smaller != null) {
            send(offset, smaller.get(), null, acknowledged);
          } else {
            failure.stop("cannot write answer for offset " + offset + ": " + e, e);
          }
        });
  }

  @Override
  public void commit(Collection<TopicPartition> assigned) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
        AnswerWriter.committable(ledgers, assigned).entrySet()) {
      Long last = committed.get(e.getKey());
      if (last == null || e.getValue().offset() > last) {
        offsets.put(e.getKey(), e.getValue());
        committed.put(e.getKey(), e.getValue().offset());
      }
    }
    if (!offsets.isEmpty()) {
      consumer.commitAsync(
          offsets,
          (done, err) -> {
            if (err != null) {
              LOG.warn("offset commit failed (next one retries) error={}", err.toString());
              done.keySet().forEach(committed::remove);
            }
          });
    }
  }

  @Override
  public void commitRevoked(
      Collection<TopicPartition> revoked, Collection<TopicPartition> assigned) {
    Map<TopicPartition, OffsetAndMetadata> offsets = AnswerWriter.committable(ledgers, revoked);
    if (!offsets.isEmpty()) {
      consumer.commitSync(offsets, Duration.ofSeconds(10));
    }
  }

  @Override
  public void commitFinal(Collection<TopicPartition> assigned) {
    commit(assigned);
    consumer.commitSync(AnswerWriter.committable(ledgers, assigned), Duration.ofSeconds(10));
  }

  @Override
  public void forget(Collection<TopicPartition> parts) {
    parts.forEach(committed::remove);
  }
}
