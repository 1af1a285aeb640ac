package io.prunegate.gateway.drift;

import io.prunegate.events.EventCodec;
import io.prunegate.events.Feedback;
import io.prunegate.events.InvalidRecordException;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads true labels from {@code prunegate.feedback} (every instance reads all partitions, from the
 * end at start: only answers this instance gave can be joined) and hands them to the {@link
 * DriftMonitor}. Undecodable feedback is counted and skipped.
 */
public final class FeedbackFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FeedbackFollower.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final DriftMonitor drift;
  private final AtomicLong joined = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  public FeedbackFollower(GatewayConfig.Kafka kafka, DriftMonitor drift) {
    this.consumer = KafkaClients.groupless(kafka, "prunegate-gateway-feedback");
    this.topic = kafka.topics().feedback();
    this.drift = drift;
    this.thread = new Thread(this::run, "gateway-feedback");
    thread.setDaemon(true);
  }

  /** Fixes the start positions at the end of the topic (if it exists yet), then starts reading. */
  public void start() {
    List<TopicPartition> parts = KafkaClients.partitions(consumer, topic);
    if (!parts.isEmpty()) {
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(tp -> consumer.position(tp, Duration.ofSeconds(10)));
    }
    thread.start();
  }

  /** Labels joined with an answer so far. */
  public long joined() {
    return joined.get();
  }

  private void run() {
    try {
      while (running) {
        if (consumer.assignment().isEmpty()) {
          List<TopicPartition> parts = KafkaClients.partitions(consumer, topic);
          if (parts.isEmpty()) {
            Thread.sleep(1000);
            continue;
          }
          consumer.assign(parts);
          consumer.seekToBeginning(parts);
        }
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          try {
            Feedback f = EventCodec.get().decodeFeedback(rec.value());
            if (drift.feedback(f)) {
              joined.incrementAndGet();
            }
          } catch (InvalidRecordException | IllegalArgumentException e) {
            invalid.incrementAndGet();
            LOG.debug("invalid feedback offset={} error={}", rec.offset(), e.getMessage());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("feedback follower stopped error={}", e.toString(), e);
    } finally {
      consumer.close();
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
    if (thread.getState() == Thread.State.NEW) {
      consumer.close();
    }
  }
}
