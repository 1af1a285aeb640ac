package io.prunegate.registry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.api.BearerAuth;
import io.prunegate.registry.api.RegistryApi;
import io.prunegate.registry.artifacts.ArtifactStore;
import io.prunegate.registry.artifacts.BlobCollector;
import io.prunegate.registry.jobs.JobStore;
import io.prunegate.registry.metrics.RegistryMetrics;
import io.prunegate.registry.outbox.OutboxRelay;
import io.prunegate.registry.store.CatalogStore;
import io.prunegate.registry.store.Database;
import io.prunegate.registry.store.OutboxTable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry service, running in this JVM: database (migrated on start), artifact store,
 * outbox relay to Kafka (when configured) and the REST API on Vert.x. {@link
 * #start(RegistryConfig)} returns once the HTTP port is listening; {@link #close()} stops
 * everything. This is how the standalone demo embeds the registry next to the other services;
 * {@code RegistryMain serve} wraps it for a separate process.
 */
public final class RegistryServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
  // names the worker pool: shared executors with one name share their threads
  private static final java.util.concurrent.atomic.AtomicInteger INSTANCES =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Counts of the outbox table. */
  public record OutboxStats(long written, long pending) {}

  private final RegistryConfig config;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Database database;
  private final OutboxRelay relay;
  private final WorkerExecutor worker;
  private final HttpServer http;
  private final RegistryApi api;

  /** Set when {@link #close} begins; shared with the router, which then answers 503 quietly. */
  private final AtomicBoolean stopping;

  private boolean closed;

  private RegistryServer(
      RegistryConfig config,
      Vertx vertx,
      boolean ownsVertx,
      Database database,
      OutboxRelay relay,
      WorkerExecutor worker,
      HttpServer http,
      RegistryApi api,
      AtomicBoolean stopping) {
    this.stopping = stopping;
    this.config = config;
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.database = database;
    this.relay = relay;
    this.worker = worker;
    this.http = http;
    this.api = api;
  }

  /** Starts the registry with its own Vert.x instance. */
  public static RegistryServer start(RegistryConfig config) {
    // No class-path resolving: the registry serves files by absolute path only, and Vert.x's
    // resolver cache is deleted by a JVM shutdown hook, which made uploads still in flight during
    // Ctrl-C fail with "cacheDir has been removed" (ERROR in DemoShutdownTest).
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(2)
                .setFileSystemOptions(
                    new FileSystemOptions()
                        .setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
    try {
      return start(vertx, config, true);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** Starts the registry on a shared Vert.x instance, which {@link #close()} leaves running. */
  public static RegistryServer start(Vertx vertx, RegistryConfig config) {
    return start(vertx, config, false);
  }

  private static RegistryServer start(Vertx vertx, RegistryConfig config, boolean ownsVertx) {
    config.requireServable();
    List<AutoCloseable> opened = new ArrayList<>();
    AtomicBoolean stopping = new AtomicBoolean();
    try {
      Files.createDirectories(config.dataDir());
      Database db =
          Database.open(
              config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(), config.dbPoolSize());
      opened.add(db);
      ArtifactStore artifacts = new ArtifactStore(config.artifactDir());
      CatalogStore catalog = new CatalogStore(db, artifacts);
      JobStore jobs = new JobStore(db);
      BlobCollector collector = new BlobCollector(artifacts, catalog::referencedBlobs, db.clock());
      OutboxRelay relay = null;
      if (config.relayEnabled()) {
        relay =
            OutboxRelay.start(
                db,
                config.kafkaBootstrap(),
                config.topics().modelEvents(),
                config.relay(),
                config.kafkaProperties());
        opened.add(relay);
      }
      WorkerExecutor worker =
          vertx.createSharedWorkerExecutor(
              "registry-worker-" + INSTANCES.incrementAndGet(),
              config.workerThreads(),
              10,
              TimeUnit.MINUTES);
      opened.add(worker::close);
      OutboxRelay relayForHealth = relay;
      RegistryMetrics metrics = new RegistryMetrics();
      db.bindMetrics(metrics.registry());
      metrics.bindOutbox(
          () -> db.inTransaction(tx -> OutboxTable.countUnpublished(tx.connection())),
          () -> relayForHealth == null ? 0 : relayForHealth.publishedCount(),
          () -> relayForHealth == null ? 0 : relayForHealth.failureCount());
      metrics.bindJobs(jobs::countByState);
      RegistryApi api =
          RegistryApi.create(
              vertx,
              worker,
              catalog,
              jobs,
              artifacts,
              collector,
              () -> health(db, relayForHealth),
              metrics,
              new RegistryApi.Settings(
                  config.maxJsonBytes(),
                  config.maxUploadBytes(),
                  new BearerAuth(
                      config.writeTokens(),
                      config.readTokens(),
                      config.readsNeedToken(),
                      config.openWrites()),
                  config.gcGrace(),
                  version(),
                  stopping::get));
      HttpServer http =
          vertx
              .createHttpServer(
                  new HttpServerOptions()
                      .setHost(config.host())
                      .setPort(config.port())
                      .setHandle100ContinueAutomatically(false)
                      .setCompressionSupported(false)
                      .setDecompressionSupported(false))
              .requestHandler(api.router());
      await(http.listen());
      RegistryServer server =
          new RegistryServer(config, vertx, ownsVertx, db, relay, worker, http, api, stopping);
      LOG.info(
          "registry started url={} db={} artifacts={} relay={} topic={}",
          server.baseUrl(),
          db.dialect(),
          artifacts.root(),
          relay != null,
          config.topics().modelEvents());
      return server;
    } catch (IOException e) {
      closeAll(opened);
      throw new UncheckedIOException("cannot create " + config.dataDir(), e);
    } catch (RuntimeException e) {
      closeAll(opened);
      throw e;
    }
  }

  private static ObjectNode health(Database db, OutboxRelay relay) {
    ObjectNode h = RegistryJson.mapper().createObjectNode();
    boolean ok;
    Long pending = null;
    try {
      pending = db.inTransaction(tx -> OutboxTable.countUnpublished(tx.connection()));
      ok = true;
    } catch (RuntimeException e) {
      ok = false;
    }
    h.put("status", ok ? "ok" : "degraded");
    h.put("database", ok ? "ok" : "unreachable");
    h.put("outbox_pending", pending);
    ObjectNode r = h.putObject("relay");
    r.put("enabled", relay != null);
    r.put("published", relay == null ? 0 : relay.publishedCount());
    r.put("last_error", relay == null ? null : relay.lastError());
    return h;
  }

  private static String version() {
    String v = RegistryServer.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("registry HTTP server failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("registry HTTP server did not start in time", e);
    }
  }

  /** The HTTP port (the actual one when the configuration asked for 0). */
  public int port() {
    return http.actualPort();
  }

  /** {@code http://host:port}; a wildcard bind address is shown as 127.0.0.1. */
  public String baseUrl() {
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return "http://" + host + ":" + port();
  }

  public RegistryConfig config() {
    return config;
  }

  /** The route table and OpenAPI document served. */
  public RegistryApi api() {
    return api;
  }

  /** Events written to the outbox so far, and how many of them Kafka has not acknowledged yet. */
  public OutboxStats outboxStats() {
    return database.inTransaction(
        tx ->
            new OutboxStats(
                OutboxTable.countAll(tx.connection()),
                OutboxTable.countUnpublished(tx.connection())));
  }

  /** Stops HTTP, the relay (unpublished events stay in the outbox), the pool and Vert.x. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping.set(true);
    try {
      await(http.close());
    } catch (RuntimeException e) {
      LOG.warn("HTTP server close failed error={}", e.getMessage());
    }
    worker.close();
    if (relay != null) {
      relay.close();
    }
    database.close();
    if (ownsVertx) {
      try {
        await(vertx.close());
      } catch (RuntimeException e) {
        LOG.warn("Vert.x close failed error={}", e.getMessage());
      }
    }
    LOG.info("registry stopped");
  }

  private static void closeAll(List<AutoCloseable> opened) {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        LOG.warn("cleanup after failed start error={}", e.getMessage());
      }
    }
  }
}
