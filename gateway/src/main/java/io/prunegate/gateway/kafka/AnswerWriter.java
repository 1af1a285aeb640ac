package io.prunegate.gateway.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How the answers of the Kafka path reach {@code prunegate.results} (or the dead-letter topic, and
 * shadow answers {@code prunegate.shadow-results}) and how the offsets they cover are committed:
 * one implementation per delivery mode, both over the same {@link PartitionLedger}s. {@link
 * AtLeastOnceWriter} sends each answer at once, from the thread that completed it, and commits
 * settled offsets; {@link TransactionalWriter} parks answers and the consumer thread writes them in
 * a transaction with their offsets.
 */
sealed interface AnswerWriter permits AtLeastOnceWriter, TransactionalWriter {

  /** Before the first poll (consumer thread). */
  void init();

  /**
   * Writes the answer to the request at {@code offset} (any thread). {@code smaller}, when given,
   * replaces an answer the broker refuses as too large (a dead letter without its value).
   */
  void write(
      PartitionLedger ledger,
      long offset,
      ProducerRecord<byte[], byte[]> answer,
      Supplier<ProducerRecord<byte[], byte[]>> smaller);

  /**
   * Writes the answer to the request at {@code offset} and the answer of its shadow copy, once that
   * exists (any thread). The request settles only when both are written, so a commit never passes a
   * shadow answer that could still be lost; in exactly-once mode both go out in the transaction
   * that commits the offset.
   */
  void writeWithShadow(
      PartitionLedger ledger,
      long offset,
      ProducerRecord<byte[], byte[]> answer,
      CompletionStage<ProducerRecord<byte[], byte[]>> shadowAnswer);

  /** Commits what is settled; called every commit interval (consumer thread). */
  void commit(Collection<TopicPartition> assigned);

  /** Commits what is settled in {@code revoked} before they move (consumer thread). */
  void commitRevoked(Collection<TopicPartition> revoked, Collection<TopicPartition> assigned);

  /** The last commit before the consumer leaves the group (consumer thread). */
  void commitFinal(Collection<TopicPartition> assigned);

  /** Forgets what it knows of partitions that moved away. */
  void forget(Collection<TopicPartition> parts);

  /** The offsets {@code parts} may commit: each ledger's oldest unsettled request. */
  static Map<TopicPartition, OffsetAndMetadata> committable(
      Map<TopicPartition, PartitionLedger> ledgers, Collection<TopicPartition> parts) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition tp : parts) {
      PartitionLedger l = ledgers.get(tp);
      if (l != null && l.committable() >= 0) {
        out.put(tp, new OffsetAndMetadata(l.committable()));
      }
    }
    return out;
  }

  /** Where a writer reports an error that stops the Kafka path. */
  @FunctionalInterface
  interface Failure {
    void stop(String why, Throwable cause);
  }
}
