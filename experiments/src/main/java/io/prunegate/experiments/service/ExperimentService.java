package io.prunegate.experiments.service;

import io.prunegate.experiments.action.VerdictActions;
import io.prunegate.experiments.join.ExperimentStore;
import io.prunegate.experiments.join.JoinTopology;
import io.prunegate.registry.client.RegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The experiments service: the join of answers and labels on Kafka Streams ({@link JoinTopology},
 * {@code exactly_once_v2}) and a {@link JudgeLoop} that judges every open experiment each judge
 * interval and acts on final verdicts through the registry, and a small HTTP side ({@code
 * /metrics}, {@code /health}, {@code /experiments}). Replicas share the application id and split
 * the partitions like the gateway's; each judges what its partitions hold.
 */
public final class ExperimentService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExperimentService.class);

  private final ExperimentConfig config;
  private final KafkaStreams streams;
  private final JudgeLoop loop;
  private final ExperimentMetrics metrics;
  private final ScheduledExecutorService judging;
  private StatusServer http;

  private ExperimentService(ExperimentConfig config) {
    this.config = config;
    Properties p = JoinTopology.properties(config.join(), config.kafkaBootstrap());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.putAll(config.streamsProperties());
    this.streams = new KafkaStreams(JoinTopology.build(config.join()), p);
    VerdictActions actions =
        config.act()
            ? new VerdictActions(
                RegistryClient.create(config.registryUrl(), config.registryToken()))
            : null;
    var topics = config.join().topics();
    this.metrics =
        new ExperimentMetrics(
            List.of(
                topics.results(), topics.shadowResults(), topics.feedback(), topics.modelEvents()));
    this.loop =
        new JudgeLoop(
            () -> ExperimentStore.of(streams),
            config.policy(),
            actions,
            System::currentTimeMillis,
            metrics);
    this.judging =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "experiments-judge");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts the join and the judge; returns at once (see {@link #awaitRunning}). */
  public static ExperimentService start(ExperimentConfig config) {
    ExperimentService s = new ExperimentService(config);
    if (config.httpPort() >= 0) {
      s.http =
          new StatusServer(
              config.host(),
              config.httpPort(),
              s.metrics::scrape,
              () -> s.streams.state() == KafkaStreams.State.RUNNING,
              () -> StatusJson.list(s.statuses()));
    }
    s.streams.start();
    long every = config.judgeInterval().toMillis();
    s.judging.scheduleWithFixedDelay(s::judgeOnce, every, every, TimeUnit.MILLISECONDS);
    LOG.info(
        "experiments service started application={} act={} judge-interval={}",
        config.join().applicationId(),
        config.act(),
        config.judgeInterval());
    return s;
  }

  private void judgeOnce() {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return;
    }
    try {
      loop.pass();
    } catch (InvalidStateStoreException rebalancing) {
      loop.resetStore();
    } catch (RuntimeException e) {
      LOG.warn("judging failed error={}", e.toString());
      loop.resetStore();
    }
  }

  /** Waits until the join runs (its stores restored and queryable); false on timeout. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      KafkaStreams.State s = streams.state();
      if (s == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
        return false;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** The last status of every experiment judged since start. */
  public List<ExperimentStatus> statuses() {
    return loop.statuses();
  }

  /** The HTTP port of {@code /metrics}, {@code /health} and {@code /experiments}; -1 when none. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The metrics in the Prometheus text format (what {@code /metrics} serves). */
  public String scrapeMetrics() {
    return metrics.scrape();
  }

  /** The configuration it runs with. */
  public ExperimentConfig config() {
    return config;
  }

  /** The join's state (RUNNING, REBALANCING, ...). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Stops judging, then closes the join (committing what it has processed). */
  @Override
  public void close() {
    judging.shutdownNow();
    try {
      judging.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // leave the group: a replacement (a restart, the next demo run) gets the partitions at once
    // instead of after the session timeout (45 s)
    streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
    if (http != null) {
      http.close();
    }
    LOG.info("experiments service stopped");
  }
}
