package io.prunegate.loadtest;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.EventCodec;
import io.prunegate.events.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link ClassificationRequest}s to the requests topic on an open-loop schedule: request
 * {@code i} of a plan is due at {@code start + i / rate} and is sent then, whether or not earlier
 * requests were answered. Each request's intended send time goes to the {@link SendLog}; the Kafka
 * key is the routing key (or the id) and the correlation header carries the id.
 */
public final class OpenLoopProducer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpenLoopProducer.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final SendLog log;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

  public OpenLoopProducer(
      String bootstrapServers, String topic, SendLog log, Map<String, String> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "prunegate-loadgen");
    p.putAll(extra);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.log = log;
  }

  /**
   * Sends the plan's requests on schedule and returns when the last one is handed to the producer
   * (not acknowledged: call {@link #flush()} for that). Ids are {@code <runId>-<plan>-<i>}.
   *
   * @return the largest lag behind schedule, in milliseconds
   */
  public double send(String runId, LoadPlan plan) {
    long intervalNanos = plan.ratePerSecond() <= 0 ? 0 : (long) (1e9 / plan.ratePerSecond());
    long start = System.nanoTime();
    long maxLag = 0;
    for (int i = 0; i < plan.requests(); i++) {
      long due = start + i * intervalNanos;
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      maxLag = Math.max(maxLag, now - due);
      String id = runId + "-" + plan.name() + "-" + i;
      String key = plan.keySpace() > 0 ? "k-" + (i % plan.keySpace()) : null;
      Long deadline =
          plan.deadlineMillis() > 0 ? System.currentTimeMillis() + plan.deadlineMillis() : null;
      String text = plan.texts().get(i % plan.texts().size());
      ClassificationRequest r = new ClassificationRequest(id, text, plan.model(), key, deadline);
      ProducerRecord<byte[], byte[]> rec =
          new ProducerRecord<>(
              topic, r.recordKey().getBytes(StandardCharsets.UTF_8), EventCodec.get().encode(r));
      rec.headers().add(EventHeaders.CORRELATION_ID, EventHeaders.value(id));
      log.sent(id, intervalNanos == 0 ? now : due);
      producer.send(
          rec,
          (md, e) -> {
            if (e != null) {
              failures.incrementAndGet();
              if (firstFailure.compareAndSet(null, e)) {
                LOG.warn("send failed id={} error={}", id, e.toString());
              }
            }
          });
    }
    return maxLag / 1e6;
  }

  /** Sends a raw record (for bad-input scenarios): value bytes as given. */
  public void sendRaw(byte[] key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  /** Waits until every request sent so far is acknowledged. */
  public void flush() {
    producer.flush();
  }

  /** Sends that failed (after the producer's own retries). */
  public long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
