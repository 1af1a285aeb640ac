package io.prunegate.gateway.kafka;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.InvalidRecordException;
import io.prunegate.gateway.config.Delivery;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.serving.Answers;
import io.prunegate.gateway.serving.ClassificationService;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka path: one thread that polls {@code prunegate.requests} in the gateway's consumer group,
 * decodes and validates each record (undecodable ones go to the dead-letter topic with the reason
 * and their original topic, partition and offset), submits the rest to the {@link
 * ClassificationService}, and writes each answer to {@code prunegate.results} keyed like its
 * request (and the answer of a shadow copy, keyed the same, to {@code prunegate.shadow-results}).
 *
 * <p>Offsets: every polled record is tracked in its partition's {@link PartitionLedger}, and the
 * {@link AnswerWriter} of the delivery mode writes answers and commits: {@link AtLeastOnceWriter}
 * sends each answer at once and commits, every {@code commitInterval}, each partition's oldest
 * unsettled offset; {@link TransactionalWriter} parks answers and writes them in a Kafka
 * transaction together with the offsets they cover (read-process-write; the thread consumes with
 * {@code read_committed}).
 *
 * <p>Backpressure: while the admission queue is full the thread pauses its partitions (and keeps
 * polling, so it stays in the group); it resumes below half.
 */
public final class RequestConsumer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RequestConsumer.class);

  /**
   * In a transaction a record the broker refuses aborts the whole transaction, again at every
   * retry; so in exactly-once mode dead letters carry their value only up to this size (under
   * Kafka's default 1 MB message limit). The original stays in the requests topic, and the dead
   * letter names its topic, partition and offset.
   */
  static final int TRANSACTIONAL_DEAD_LETTER_VALUE_LIMIT = 900 * 1024;

  private final GatewayConfig.Kafka settings;
  private final ClassificationService service;
  private final GatewayMetrics metrics;
  private final AnswerRecords answers;
  private final boolean exactlyOnce;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();
  private final AnswerWriter writer;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile long stopDeadlineNanos = Long.MAX_VALUE;
  private volatile boolean paused;
  private volatile boolean everAssigned;
  private volatile String failure;
  private long lastCommitNanos;
  private long lastLagNanos;

  public RequestConsumer(
      GatewayConfig.Kafka settings, ClassificationService service, GatewayMetrics metrics) {
    this.settings = settings;
    this.service = service;
    this.metrics = metrics;
    this.answers = new AnswerRecords(settings.topics());
    this.exactlyOnce = settings.delivery() == Delivery.EXACTLY_ONCE;
    this.consumer =
        new KafkaConsumer<>(
            consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.producer =
        new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
    this.writer =
        exactlyOnce
            ? new TransactionalWriter(consumer, producer, ledgers, this::fail)
            : new AtLeastOnceWriter(consumer, producer, ledgers, this::fail);
    this.thread = new Thread(this::run, "gateway-kafka-requests");
    thread.setDaemon(true);
    metrics.gauge(
        "consumer.paused", "1 while the requests partitions are paused", () -> paused ? 1 : 0);
    metrics.gauge(
        "inflight.requests",
        "requests admitted and not answered",
        () -> service.limit().inFlight());
  }

  private Properties consumerProps() {
    Properties p = KafkaClients.base(settings, "prunegate-gateway-requests");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    if (settings.groupInstanceId() != null) {
      p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.groupInstanceId());
    }
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
    p.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(500, settings.sessionTimeout().toMillis() / 3));
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, exactlyOnce ? "read_committed" : "read_uncommitted");
    return p;
  }

  private Properties producerProps() {
    Properties p = KafkaClients.base(settings, "prunegate-gateway-results");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    // A dead letter repeats its request (1 MB texts included); the broker's limit still applies.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    // Retry transient errors until they pass: only a permanent error fails a send.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    if (exactlyOnce) {
      String txId = settings.transactionalId();
      if (txId == null) {
        String instance =
            settings.groupInstanceId() != null
                ? settings.groupInstanceId()
                : UUID.randomUUID().toString();
        txId = settings.groupId() + "-" + instance;
      }
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
    }
    return p;
  }

  /** Starts the consumer thread. */
  public void start() {
    thread.start();
  }

  /** True while consuming normally (assigned at least once, not failed). */
  public boolean isReady() {
    return running && failure == null && everAssigned;
  }

  /** Why the consumer stopped on its own, or null. */
  public String failure() {
    return failure;
  }

  private void run() {
    try {
      writer.init();
      consumer.subscribe(List.of(settings.topics().requests()), new Rebalance());
      while (running || (System.nanoTime() < stopDeadlineNanos && unsettled() > 0)) {
        if (!running && !paused) {
          pauseAll();
        }
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(20))) {
          dispatch(rec);
        }
        if (failure != null) {
          break;
        }
        long now = System.nanoTime();
        if (now - lastCommitNanos >= settings.commitInterval().toNanos()) {
          writer.commit(consumer.assignment());
          lastCommitNanos = now;
        }
        if (running) {
          backpressure();
        }
        if (now - lastLagNanos >= 1_000_000_000L) {
          reportLag();
          lastLagNanos = now;
        }
      }
      if (failure == null) {
        writer.commitFinal(consumer.assignment());
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      fail("consumer loop: " + e, e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("consumer close failed error={}", e.toString());
      }
      producer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  private void dispatch(ConsumerRecord<byte[], byte[]> rec) {
    long receivedNanos = System.nanoTime();
    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
    PartitionLedger ledger = ledgers.computeIfAbsent(tp, t -> new PartitionLedger());
    ledger.received(rec.offset());
    ClassificationRequest req;
    try {
      req = EventCodec.get().decodeRequest(rec.value());
    } catch (InvalidRecordException e) {
      deadLetter(ledger, rec, e.getMessage(), e.field(), AnswerRecords.reasonKind(e));
      return;
    } catch (IllegalArgumentException e) {
      deadLetter(ledger, rec, e.getMessage(), null, AnswerRecords.INVALID);
      return;
    }
    ClassificationService.Submission s =
        service.submitWithShadow(req, ClassificationService.KAFKA, receivedNanos, true);
    s.answer()
        .whenComplete(
            (result, err) -> {
              ClassificationResult r =
                  err == null ? result : Answers.internalError(req, err, receivedNanos);
              if (s.shadowAnswer() == null) {
                writer.write(ledger, rec.offset(), answers.result(rec, r), null);
              } else {
                writer.writeWithShadow(
                    ledger,
                    rec.offset(),
                    answers.result(rec, r),
                    s.shadowAnswer()
                        .handle(
                            (shadow, e) ->
                                answers.shadowResult(
                                    rec,
                                    e == null
                                        ? shadow
                                        : Answers.internalError(req, e, receivedNanos))));
              }
            });
  }

  private void deadLetter(
      PartitionLedger ledger,
      ConsumerRecord<byte[], byte[]> rec,
      String reason,
      String field,
      String kind) {
    metrics.deadLettered(kind);
    LOG.debug(
        "dead-lettered partition={} offset={} reason={}", rec.partition(), rec.offset(), reason);
    boolean keepValue =
        !exactlyOnce
            || rec.value() == null
            || rec.value().length <= TRANSACTIONAL_DEAD_LETTER_VALUE_LIMIT;
    writer.write(
        ledger,
        rec.offset(),
        answers.deadLetter(rec, reason, field, keepValue),
        () -> answers.deadLetter(rec, reason, field, false));
  }

  private void backpressure() {
    if (!paused && service.limit().isFull()) {
      pauseAll();
      LOG.debug("paused partitions inflight={}", service.limit().inFlight());
    } else if (paused && service.limit().hasRoom()) {
      consumer.resume(consumer.assignment());
      paused = false;
    }
  }

  private void pauseAll() {
    consumer.pause(consumer.assignment());
    paused = true;
  }

  private void reportLag() {
    Map<String, Long> lag = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      consumer.currentLag(tp).ifPresent(l -> lag.put(tp.topic() + "-" + tp.partition(), l));
    }
    metrics.consumerLag(lag);
  }

  private int unsettled() {
    return ledgers.values().stream().mapToInt(PartitionLedger::unsettled).sum();
  }

  private void fail(String why, Throwable cause) {
    if (failure == null) {
      failure = why;
      LOG.error("kafka path stopped: {}", why, cause);
    }
    running = false;
  }

  /** Commits what is settled before partitions move; forgets their ledgers after. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
      if (failure != null) {
        return;
      }
      try {
        writer.commitRevoked(parts, consumer.assignment());
      } catch (RuntimeException e) {
        LOG.warn("commit on revocation failed error={}", e.toString());
      }
      forget(parts);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> parts) {
      forget(parts);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
      everAssigned = true;
      if (paused) {
        consumer.pause(parts);
      }
      LOG.info("assigned partitions={}", parts);
    }

    private void forget(Collection<TopicPartition> parts) {
      parts.forEach(ledgers::remove);
      writer.forget(parts);
    }
  }

  /**
   * Stops taking new records, waits up to {@code grace} for the answers of those taken (committing
   * as they settle), commits, and leaves the group.
   */
  public void close(Duration grace) {
    stopDeadlineNanos = System.nanoTime() + grace.toNanos();
    running = false;
    if (thread.getState() == Thread.State.NEW) {
      consumer.close();
      producer.close();
      return;
    }
    try {
      if (!stopped.await(grace.toMillis() + 20_000, TimeUnit.MILLISECONDS)) {
        consumer.wakeup();
        stopped.await(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
