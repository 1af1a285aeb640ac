package io.prunegate.pruner.service;

import io.prunegate.events.EventCodec;
import io.prunegate.events.ModelEvent;
import io.prunegate.events.ModelEventType;
import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.jobs.CompressionJobs;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.registry.Job;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code model.registered} events on the model-events topic into compression jobs in the
 * registry. Delivery is at-least-once: offsets are committed only after the jobs of a poll exist,
 * and duplicates are dropped twice over: by event id in memory (recent ids), and durably by the
 * registry, which returns the existing job for an idempotency key (= the event id) it has seen.
 * Other event types (the pruner's own {@code variant.registered}, {@code job.*}, aliases) are
 * skipped, so registering variants never triggers more work. While the registry is unreachable the
 * same event is retried with backoff; an event the registry refuses (e.g. its model was deleted) is
 * logged and skipped.
 */
public final class ModelEventListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelEventListener.class);
  private static final int RECENT_IDS = 10_000;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final RegistryClient registry;
  private final CompressionPolicy policy;
  private final Consumer<Job> onJob;
  private final Thread thread;
  private final CountDownLatch assigned = new CountDownLatch(1);
  private final AtomicLong jobsCreated = new AtomicLong();
  private final AtomicLong duplicatesSkipped = new AtomicLong();
  private final Map<String, Boolean> recent =
      new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > RECENT_IDS;
        }
      };
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile Throwable failure;

  /**
   * @param config where to listen (bootstrap, topic, group, extra consumer properties)
   * @param registry where to create jobs
   * @param policy the policy copied into every new job
   * @param onJob called with each job created (or found, for a redelivered event)
   */
  public ModelEventListener(
      PrunerConfig config, RegistryClient registry, CompressionPolicy policy, Consumer<Job> onJob) {
    this.topic = config.topics().modelEvents();
    this.registry = registry;
    this.policy = policy;
    this.onJob = onJob;
    Properties p = new Properties();
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "prunegate-pruner-" + config.workerId());
    // a pruner killed without leaving the group holds its partition this long: keep it short so
    // that its restart (or another replica) takes over quickly
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
    p.putAll(config.kafkaProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Models registered while no pruner ran are compressed when one starts.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "pruner-model-events");
    this.thread.setDaemon(true);
  }

  /** Subscribes and starts the polling thread. */
  public ModelEventListener start() {
    started = true;
    thread.start();
    return this;
  }

  /** Waits until the consumer has its partitions (the group has formed). */
  public boolean awaitAssigned(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Jobs this listener created or found for events so far. */
  public long jobsCreated() {
    return jobsCreated.get();
  }

  /** Events dropped as duplicates of an event seen before (by event id). */
  public long duplicatesSkipped() {
    return duplicatesSkipped.get();
  }

  /** Why the polling thread stopped, or null while it runs. */
  public Throwable failure() {
    return failure;
  }

  private void run() {
    try {
      consumer.subscribe(
          List.of(topic),
          new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(
                java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(
                java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
              LOG.info("listening to {} partitions={}", topic, partitions);
              assigned.countDown();
            }
          });
      while (running) {
        try {
          pollOnce();
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          // e.g. a commit refused after a rebalance: the records come again and are deduplicated
          LOG.warn("model-event listener: {}; continuing", e.toString());
          sleep(1000);
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("model-event listener stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void pollOnce() {
    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
    for (ConsumerRecord<String, byte[]> r : records) {
      if (!running) {
        return;
      }
      handle(r);
    }
    if (!records.isEmpty() && running) {
      consumer.commitSync();
    }
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    ModelEvent event;
    try {
      event = EventCodec.get().decodeModelEvent(r.value());
    } catch (RuntimeException e) {
      LOG.warn(
          "skipping undecodable model event partition={} offset={}: {}",
          r.partition(),
          r.offset(),
          e.getMessage());
      return;
    }
    if (event.knownType().orElse(null) != ModelEventType.MODEL_REGISTERED) {
      return;
    }
    if (recent.containsKey(event.eventId())) {
      duplicatesSkipped.incrementAndGet();
      LOG.debug("duplicate event {} skipped", event.eventId());
      return;
    }
    long backoff = 200;
    while (running) {
      try {
        Job job = registry.createJob(CompressionJobs.forEvent(event, policy));
        recent.put(event.eventId(), Boolean.TRUE);
        jobsCreated.incrementAndGet();
        LOG.info(
            "job {} for model={} version={} (event {})",
            job.id(),
            event.model(),
            event.version(),
            event.eventId());
        onJob.accept(job);
        return;
      } catch (RegistryException e) {
        if (e.isRetryable()) {
          LOG.warn(
              "registry refused job for event {} ({}), retrying", event.eventId(), e.getMessage());
        } else {
          recent.put(event.eventId(), Boolean.TRUE);
          LOG.warn(
              "no job for event {} model={} version={}: {}",
              event.eventId(),
              event.model(),
              event.version(),
              e.getMessage());
          return;
        }
      } catch (RuntimeException e) {
        // registry unreachable: keep this event (offsets are not committed past it) and wait
        LOG.warn("cannot create job for event {}: {}; retrying", event.eventId(), e.getMessage());
      }
      sleep(backoff);
      backoff = Math.min(backoff * 2, 10_000);
    }
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops polling, commits nothing further and closes the consumer. */
  @Override
  public void close() {
    running = false;
    if (!started) {
      consumer.close(Duration.ofSeconds(5));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
