package io.prunegate.loadtest;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.InvalidRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the results topic from its current end on a thread of its own and keeps, per request id of
 * this run, the first answer and its end-to-end latency (against the {@link SendLog}); later
 * answers to the same id are counted as duplicates. Results for other ids (other runs) are ignored.
 * It reads without a consumer group (all partitions assigned), so it never disturbs the gateway's.
 */
public final class ResultCollector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResultCollector.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final SendLog sendLog;
  private final Predicate<String> ours;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, Integer> copies = new ConcurrentHashMap<>();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Starts reading {@code topic} from its end; returns once the start positions are fixed, so every
   * result written afterwards is seen.
   *
   * @param ours which result ids belong to this run (e.g. an id prefix)
   * @param readCommitted read only committed transactions (to check exactly-once output)
   */
  public ResultCollector(
      String bootstrapServers,
      String topic,
      SendLog sendLog,
      Predicate<String> ours,
      boolean readCommitted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "prunegate-loadgen-results");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.sendLog = sendLog;
    this.ours = ours;
    List<TopicPartition> parts = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 30_000;
    while (parts.isEmpty()) {
      consumer
          .partitionsFor(topic, Duration.ofSeconds(10))
          .forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
      if (parts.isEmpty() && System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("topic " + topic + " has no partitions");
      }
    }
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(tp -> consumer.position(tp, Duration.ofSeconds(10)));
    this.thread = new Thread(this::run, "loadgen-results");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          ClassificationResult r;
          try {
            r = EventCodec.get().decodeResult(rec.value());
          } catch (InvalidRecordException e) {
            undecodable.incrementAndGet();
            continue;
          }
          if (!ours.test(r.id())) {
            continue;
          }
          Long sent = sendLog.intendedNanos(r.id());
          long latency = sent == null ? -1 : now - sent;
          if (answers.putIfAbsent(r.id(), new Answer(r, now, latency)) != null) {
            duplicates.incrementAndGet();
          }
          copies.merge(r.id(), 1, Integer::sum);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("result collector stopped error={}", e.toString(), e);
    } finally {
      consumer.close();
    }
  }

  /** Waits until every id in {@code ids} has an answer, or the timeout passes; true when all. */
  public boolean awaitAnswers(Set<String> ids, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (answers.keySet().containsAll(ids)) {
        return true;
      }
      sleep(20);
    }
    return answers.keySet().containsAll(ids);
  }

  /** Waits until {@code n} ids are answered or the timeout passes; the count answered. */
  public int awaitCount(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (answers.size() < n && System.nanoTime() < deadline) {
      sleep(20);
    }
    return answers.size();
  }

  /** First answers by id (a live view). */
  public Map<String, Answer> answers() {
    return answers;
  }

  /** Answers received beyond the first, over all ids. */
  public long duplicates() {
    return duplicates.get();
  }

  /** How many results each id got (a live view). */
  public Map<String, Integer> copies() {
    return copies;
  }

  /** Result records that were not valid results. */
  public long undecodable() {
    return undecodable.get();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
