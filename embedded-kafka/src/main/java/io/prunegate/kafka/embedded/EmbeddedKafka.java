package io.prunegate.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker running in this JVM. The data directory is formatted on
 * first use and reused on later starts, so the standalone demo keeps its topics and offsets across
 * runs; tests pass a temporary directory.
 */
public final class EmbeddedKafka implements KafkaBroker {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final BrokerSettings settings;
  private final KafkaRaftServer server;
  private final boolean reusedData;
  private final long startupMillis;
  private volatile boolean closed;

  private EmbeddedKafka(
      BrokerSettings settings, KafkaRaftServer server, boolean reusedData, long startupMillis) {
    this.settings = settings;
    this.server = server;
    this.reusedData = reusedData;
    this.startupMillis = startupMillis;
  }

  /**
   * Formats the data directory if needed, starts the broker and returns once it answers Admin
   * requests.
   */
  public static EmbeddedKafka start(BrokerSettings settings) {
    long t0 = System.nanoTime();
    Properties props = settings.toProperties();
    boolean reused = format(settings.dataDir());
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
      awaitReady(settings.bootstrapServers(), 60_000);
    } catch (RuntimeException e) {
      server.shutdown();
      server.awaitShutdown();
      throw new IllegalStateException(
          "Kafka broker failed to start on " + settings.bootstrapServers() + ": " + e.getMessage(),
          e);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    LOG.info(
        "Kafka broker ready on {} in {} ms (data {} {})",
        settings.bootstrapServers(),
        ms,
        settings.dataDir(),
        reused ? "reused" : "formatted");
    return new EmbeddedKafka(settings, server, reused, ms);
  }

  /** Starts a broker on free ports with a fresh data directory under {@code parent}. */
  public static EmbeddedKafka startTemporary(Path parent) {
    try {
      Files.createDirectories(parent);
      return start(BrokerSettings.onFreePorts(Files.createTempDirectory(parent, "kafka-")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  @Override
  public BrokerSettings settings() {
    return settings;
  }

  /** True when the data directory held a formatted log from an earlier run. */
  public boolean reusedData() {
    return reusedData;
  }

  /** Wall time from {@link #start} to ready, in milliseconds. */
  public long startupMillis() {
    return startupMillis;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Kafka broker on {} stopped", settings.bootstrapServers());
  }

  /** Formats {@code dir} unless it already holds a formatted log; returns true when reused. */
  static boolean format(Path dir) {
    try {
      Files.createDirectories(dir);
      if (Files.exists(dir.resolve("meta.properties"))) {
        return true;
      }
      String d = dir.toAbsolutePath().toString();
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(1)
          .setDirectories(List.of(d))
          .setMetadataLogDirectory(d)
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setUnstableFeatureVersionsEnabled(false)
          .run();
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Kafka data directory " + dir, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka data directory " + dir, e);
    }
  }

  static void awaitReady(String bootstrap, long timeoutMs) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    long deadline = System.currentTimeMillis() + timeoutMs;
    try (Admin admin = Admin.create(p)) {
      Exception last = null;
      while (System.currentTimeMillis() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          last = e;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("broker not ready after " + timeoutMs + " ms", last);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }
}
