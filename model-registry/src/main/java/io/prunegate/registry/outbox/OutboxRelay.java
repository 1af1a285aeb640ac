package io.prunegate.registry.outbox;

import io.github.resilience4j.core.IntervalFunction;
import io.prunegate.events.EventHeaders;
import io.prunegate.registry.store.Database;
import io.prunegate.registry.store.OutboxTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox to Kafka: reads unpublished events in outbox order, sends them with an
 * idempotent producer ({@code acks=all}, unlimited retries, no delivery timeout) keyed by model
 * name, and marks rows published only after Kafka acknowledged them. While Kafka is down the events
 * wait in the table and the relay keeps retrying with backoff; a crash between send and mark
 * re-sends, so delivery is at-least-once and consumers deduplicate by event id. Sending stops at
 * the first record the producer refuses, so nothing after it overtakes it: per model (per
 * partition) the topic sees events in sequence order.
 */
public final class OutboxRelay implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  private final Database db;
  private final String topic;
  private final RelaySettings settings;
  private final Properties producerConfig;
  private final Thread thread;
  private final Object signal = new Object();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private volatile boolean running = true;
  private volatile String lastError;
  private boolean woken;
  private Producer<String, byte[]> producer;
  private long lastPurgeMs;

  private OutboxRelay(
      Database db,
      String bootstrapServers,
      String topic,
      RelaySettings settings,
      Map<String, String> producerOverrides) {
    this.db = db;
    this.topic = topic;
    this.settings = settings;
    this.producerConfig = producerConfig(bootstrapServers, producerOverrides);
    this.thread = new Thread(this::loop, "registry-outbox-relay");
    this.thread.setDaemon(true);
  }

  /**
   * Starts relaying the outbox of {@code db} to {@code topic}; the relay wakes up whenever a
   * transaction that wrote events commits.
   */
  public static OutboxRelay start(
      Database db,
      String bootstrapServers,
      String topic,
      RelaySettings settings,
      Map<String, String> producerOverrides) {
    OutboxRelay relay = new OutboxRelay(db, bootstrapServers, topic, settings, producerOverrides);
    db.onEventsCommitted(relay::wakeUp);
    relay.thread.start();
    LOG.info("outbox relay started topic={} bootstrap={}", topic, bootstrapServers);
    return relay;
  }

  /** The producer configuration: idempotent, acks=all, retries forever, no delivery timeout. */
  static Properties producerConfig(String bootstrapServers, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "prunegate-registry-relay");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.RETRIES_CONFIG, String.valueOf(Integer.MAX_VALUE));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    // send() waits this long for metadata when the broker is unreachable; then the relay backs off
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "2000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putAll(overrides);
    return p;
  }

  /** Makes the relay look at the outbox now. */
  public void wakeUp() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  /** Events acknowledged by Kafka since this relay started. */
  public long publishedCount() {
    return published.get();
  }

  /**
   * Relay rounds that ended in an error since this relay started (a record refused or not
   * acknowledged, the database unreachable), each retried after a backoff. A broker that is only
   * down does not count: the producer retries unacknowledged sends without end, and the backlog
   * grows instead.
   */
  public long failureCount() {
    return failedAttempts.get();
  }

  /** The last error the relay met, or null when its last attempt succeeded. */
  public String lastError() {
    return lastError;
  }

  // Not a resilience4j Retry: the relay retries forever and must wake at once on close or on new
  // events, so it stays a poll loop; its backoff is resilience4j's exponential interval function.
  private void loop() {
    IntervalFunction backoff =
        IntervalFunction.ofExponentialBackoff(
            settings.initialBackoff(), 2.0, settings.maxBackoff());
    int failures = 0;
    while (running) {
      try {
        purgeOldEvents();
        List<OutboxTable.Row> rows =
            db.inTransaction(tx -> OutboxTable.unpublished(tx.connection(), settings.batchSize()));
        if (rows.isEmpty()) {
          awaitSignal(settings.pollInterval().toMillis());
          continue;
        }
        int sent = publish(rows);
        if (sent < rows.size()) {
          throw new IllegalStateException(lastError == null ? "send incomplete" : lastError);
        }
        if (failures > 0) {
          LOG.info(
              "outbox relay recovered after failures={} published={}", failures, published.get());
        }
        failures = 0;
        lastError = null;
      } catch (InterruptedException e) {
        if (!running) {
          break;
        }
      } catch (RuntimeException e) {
        failures++;
        failedAttempts.incrementAndGet();
        lastError = e.getMessage();
        if (failures == 1) {
          LOG.warn("outbox relay cannot publish, retrying error={}", e.getMessage());
        } else {
          LOG.debug("outbox relay still failing failures={} error={}", failures, e.getMessage());
        }
        sleepQuietly(backoff.apply(failures));
      }
    }
    closeProducer(Duration.ofSeconds(2));
  }

  /** Sends rows in order, waits for acks, marks the acknowledged prefix; returns its length. */
  private int publish(List<OutboxTable.Row> rows) throws InterruptedException {
    if (producer == null) {
      producer = new KafkaProducer<>(producerConfig);
    }
    List<Future<RecordMetadata>> futures = new ArrayList<>(rows.size());
    boolean abandonAfter = false;
    boolean refusedAtSend = false;
    for (OutboxTable.Row row : rows) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(topic, null, row.model(), row.payload());
      record.headers().add(EventHeaders.EVENT_ID, EventHeaders.value(row.eventId()));
      record.headers().add(EventHeaders.EVENT_TYPE, EventHeaders.value(row.type()));
      Future<RecordMetadata> f;
      try {
        f = producer.send(record);
      } catch (RuntimeException e) {
        lastError = "send refused: " + e.getMessage();
        abandonAfter = true;
        break;
      }
      futures.add(f);
      if (f.isDone() && failed(f)) {
        refusedAtSend = true;
        // refused before it left (e.g. no metadata while the broker is down): nothing after it
        // may be sent, or it would overtake this one
        break;
      }
    }
    List<Long> acked = new ArrayList<>(futures.size());
    for (int i = 0; i < futures.size(); i++) {
      if (!awaitAck(futures.get(i))) {
        // With unlimited retries only a non-retriable error gets here. Drop the producer at once
        // so that records queued behind the failed one are not delivered ahead of its re-send.
        abandonAfter = !(refusedAtSend && i == futures.size() - 1);
        break;
      }
      acked.add(rows.get(i).id());
    }
    if (abandonAfter) {
      closeProducer(Duration.ZERO);
    }
    if (!acked.isEmpty()) {
      db.inTransaction(
          tx -> {
            OutboxTable.markPublished(tx.connection(), acked, tx.now());
            return null;
          });
      published.addAndGet(acked.size());
    }
    return acked.size();
  }

  private boolean awaitAck(Future<RecordMetadata> f) throws InterruptedException {
    while (true) {
      try {
        f.get(500, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        if (!running) {
          throw new InterruptedException("relay closing");
        }
      } catch (ExecutionException e) {
        lastError = "not acknowledged: " + e.getCause();
        return false;
      }
    }
  }

  private static boolean failed(Future<RecordMetadata> f) {
    try {
      f.get();
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void purgeOldEvents() {
    long now = db.clock().millis();
    if (now - lastPurgeMs < Duration.ofMinutes(10).toMillis()) {
      return;
    }
    lastPurgeMs = now;
    long before = now - settings.publishedRetention().toMillis();
    int purged = db.inTransaction(tx -> OutboxTable.purgePublished(tx.connection(), before));
    if (purged > 0) {
      LOG.info("outbox purged published events count={}", purged);
    }
  }

  private void awaitSignal(long millis) throws InterruptedException {
    synchronized (signal) {
      if (!woken) {
        signal.wait(millis);
      }
      woken = false;
    }
  }

  private void sleepQuietly(long millis) {
    synchronized (signal) {
      try {
        signal.wait(millis);
      } catch (InterruptedException e) {
        // closing
      }
    }
  }

  private void closeProducer(Duration timeout) {
    if (producer != null) {
      try {
        producer.close(timeout);
      } catch (RuntimeException e) {
        LOG.debug("producer close failed error={}", e.getMessage());
      }
      producer = null;
    }
  }

  /** Stops the relay; events not yet acknowledged stay in the outbox for the next start. */
  @Override
  public void close() {
    running = false;
    // no interrupt: it could close the database's file channels mid-write (H2); every wait in the
    // loop is bounded and watches the flag
    wakeUp();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("outbox relay stopped published={}", published.get());
  }
}
