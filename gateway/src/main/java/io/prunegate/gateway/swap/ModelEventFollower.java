package io.prunegate.gateway.swap;

import io.prunegate.events.EventCodec;
import io.prunegate.events.InvalidRecordException;
import io.prunegate.events.ModelEvent;
import io.prunegate.events.ModelEventType;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.kafka.KafkaClients;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code prunegate.model-events} and turns {@code alias.moved} / {@code alias.deleted} into
 * swaps. Every gateway instance reads every event (no consumer group: partitions are assigned
 * directly), starting from the end positions fixed by {@link #prepare()}, which the gateway calls
 * before it reads the current aliases from the registry, so that no change falls between the two.
 * Events arrive at least once; duplicates are dropped by event id.
 */
public final class ModelEventFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelEventFollower.class);
  private static final int SEEN_IDS = 10_000;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final SwapCoordinator swaps;
  private final Map<String, Boolean> seen =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > SEEN_IDS;
        }
      };
  private final AtomicLong duplicates = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean assigned;

  public ModelEventFollower(GatewayConfig.Kafka kafka, SwapCoordinator swaps) {
    this.consumer = KafkaClients.groupless(kafka, "prunegate-gateway-model-events");
    this.topic = kafka.topics().modelEvents();
    this.swaps = swaps;
    this.thread = new Thread(this::run, "gateway-model-events");
    thread.setDaemon(true);
  }

  /** Fixes the start positions at the current end of the topic (if it exists yet). */
  public void prepare() {
    List<TopicPartition> parts = KafkaClients.partitions(consumer, topic);
    if (!parts.isEmpty()) {
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(tp -> consumer.position(tp, Duration.ofSeconds(10)));
      assigned = true;
    }
  }

  public void start() {
    thread.start();
  }

  /** Events dropped as duplicates. */
  public long duplicates() {
    return duplicates.get();
  }

  private void run() {
    try {
      while (running) {
        if (!assigned) {
          // The topic appeared after we started: everything in it is newer than our sync.
          List<TopicPartition> parts = KafkaClients.partitions(consumer, topic);
          if (parts.isEmpty()) {
            Thread.sleep(1000);
            continue;
          }
          consumer.assign(parts);
          consumer.seekToBeginning(parts);
          assigned = true;
        }
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
          handle(rec);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("model-event follower stopped error={}", e.toString(), e);
    } finally {
      consumer.close();
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> rec) {
    ModelEvent e;
    try {
      e = EventCodec.get().decodeModelEvent(rec.value());
    } catch (InvalidRecordException ex) {
      LOG.warn(
          "skipping undecodable model event partition={} offset={} error={}",
          rec.partition(),
          rec.offset(),
          ex.getMessage());
      return;
    }
    if (seen.put(e.eventId(), Boolean.TRUE) != null) {
      duplicates.incrementAndGet();
      return;
    }
    var type = ModelEventType.fromWire(e.type());
    if (type.isEmpty() || e.alias() == null) {
      return;
    }
    switch (type.get()) {
      case ALIAS_MOVED -> {
        if (e.version() != null) {
          LOG.info(
              "alias moved model={} alias={} version={} event={}",
              e.model(),
              e.alias(),
              e.version(),
              e.eventId());
          swaps.aliasMoved(e.model(), e.alias(), e.version());
        }
      }
      case ALIAS_DELETED -> swaps.aliasDeleted(e.model(), e.alias());
      default -> {
        // registrations and jobs concern the pruner
      }
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
    if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
      consumer.close();
    }
  }
}
