package io.prunegate.gateway.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once delivery (read-process-write): answers are parked in their ledger by whichever
 * thread completes them; every commit interval the consumer thread takes each partition's
 * contiguous prefix of parked answers (with their shadow answers) and writes them in one Kafka
 * transaction together with the offsets they cover, so results and commits always cover the same
 * requests. An aborted transaction rewinds the consumer to the committed offsets; a fenced producer
 * stops the path.
 */
final class TransactionalWriter implements AnswerWriter {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<TopicPartition, PartitionLedger> ledgers;
  private final Failure failure;

  TransactionalWriter(
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
  public void init() {
    producer.initTransactions();
  }

  @Override
  public void write(
      PartitionLedger ledger,
      long offset,
      ProducerRecord<byte[], byte[]> answer,
      Supplier<ProducerRecord<byte[], byte[]>> smaller) {
    // Too-large records are kept out earlier (dead letters carry their value only up to a limit).
    ledger.park(offset, answer);
  }

  @Override
  public void writeWithShadow(
      PartitionLedger ledger,
      long offset,
      ProducerRecord<byte[], byte[]> answer,
      CompletionStage<ProducerRecord<byte[], byte[]>> shadowAnswer) {
    // Parked together, so the result, the shadow answer and the offset share one transaction.
    shadowAnswer.thenAccept(shadow -> ledger.park(offset, List.of(answer, shadow)));
  }

  @Override
  public void commit(Collection<TopicPartition> assigned) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (TopicPartition tp : assigned) {
      PartitionLedger l = ledgers.get(tp);
      if (l == null) {
        continue;
      }
      List<ProducerRecord<byte[], byte[]>> ready = l.drainParked();
      if (!ready.isEmpty()) {
        out.addAll(ready);
        offsets.put(tp, new OffsetAndMetadata(l.committable()));
      }
    }
    if (out.isEmpty()) {
      return;
    }
    try {
      producer.beginTransaction();
      for (ProducerRecord<byte[], byte[]> r : out) {
        producer.send(r);
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      failure.stop("transaction cannot continue: " + e, e);
    } catch (KafkaException e) {
      LOG.warn("transaction aborted, rewinding to committed offsets error={}", e.toString());
      try {
        producer.abortTransaction();
      } catch (KafkaException abortFailure) {
        failure.stop("cannot abort transaction: " + abortFailure, abortFailure);
        return;
      }
      rewind();
    }
  }

  /** After an abort: forget what was polled and read again from the commits. */
  private void rewind() {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> at =
        consumer.committed(assigned, Duration.ofSeconds(10));
    for (TopicPartition tp : assigned) {
      ledgers.remove(tp);
      OffsetAndMetadata o = at.get(tp);
      if (o != null) {
        consumer.seek(tp, o.offset());
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
  }

  @Override
  public void commitRevoked(
      Collection<TopicPartition> revoked, Collection<TopicPartition> assigned) {
    // The group metadata of the transaction covers every partition: commit all that is ready.
    commit(assigned);
  }

  @Override
  public void commitFinal(Collection<TopicPartition> assigned) {
    commit(assigned);
  }

  @Override
  public void forget(Collection<TopicPartition> parts) {}
}
