package io.prunegate.gateway;

import io.prunegate.events.ModelRef;
import io.prunegate.gateway.batching.BatchScheduler;
import io.prunegate.gateway.batching.InflightLimit;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.drift.DriftMonitor;
import io.prunegate.gateway.drift.FeedbackFollower;
import io.prunegate.gateway.http.HttpApi;
import io.prunegate.gateway.inference.ChampionFallback;
import io.prunegate.gateway.inference.InferenceRunner;
import io.prunegate.gateway.kafka.RequestConsumer;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.resilience.InferenceTimeouts;
import io.prunegate.gateway.resilience.VariantBreakers;
import io.prunegate.gateway.routing.Router;
import io.prunegate.gateway.routing.ShadowAgreement;
import io.prunegate.gateway.serving.ClassificationService;
import io.prunegate.gateway.swap.ModelEventFollower;
import io.prunegate.gateway.swap.SwapCoordinator;
import io.prunegate.gateway.swap.SwapReport;
import io.prunegate.gateway.swap.VariantLoader;
import io.prunegate.gateway.variant.LoadedVariant;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TorchRuntime;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryClientConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway, in this JVM: {@link #start(GatewayConfig)} wires the pieces (engine, metrics,
 * inference workers and their queues, routing, hot swap from the registry and model events, the
 * Kafka path, feedback and drift, HTTP), loads the aliases the registry names, and returns once the
 * HTTP port is bound and the Kafka consumer is running; {@link #close()} stops taking work, answers
 * what was taken (committing its offsets), and frees the models. {@code GatewayMain serve} runs one
 * as a process; the standalone demo embeds one next to the broker, registry and pruner.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final GatewayMetrics metrics;
  private final ClassificationService service;
  private final BatchScheduler<LoadedVariant> scheduler;
  private final InferenceTimeouts timeouts;
  private final SwapCoordinator swaps;
  private final ModelEventFollower events;
  private final FeedbackFollower feedback;
  private final RequestConsumer consumer;
  private final ShadowAgreement agreement;
  private final DriftMonitor drift;
  private final Vertx vertx;
  private final HttpServer http;
  private volatile boolean closed;

  private Gateway(
      GatewayConfig config,
      GatewayMetrics metrics,
      ClassificationService service,
      BatchScheduler<LoadedVariant> scheduler,
      InferenceTimeouts timeouts,
      SwapCoordinator swaps,
      ModelEventFollower events,
      FeedbackFollower feedback,
      RequestConsumer consumer,
      ShadowAgreement agreement,
      DriftMonitor drift,
      Vertx vertx,
      HttpServer http) {
    this.config = config;
    this.metrics = metrics;
    this.service = service;
    this.scheduler = scheduler;
    this.timeouts = timeouts;
    this.swaps = swaps;
    this.events = events;
    this.feedback = feedback;
    this.consumer = consumer;
    this.agreement = agreement;
    this.drift = drift;
    this.vertx = vertx;
    this.http = http;
  }

  /** Starts a gateway; see the class comment. */
  public static Gateway start(GatewayConfig config) {
    long t0 = System.nanoTime();
    GatewayConfig.Inference inf = config.inference();
    TorchRuntime.start(new RuntimeOptions(inf.device(), inf.threads(), inf.interOpThreads()));
    GatewayMetrics metrics = new GatewayMetrics();
    int maxBatch = config.batching().maxBatchSize();
    DriftMonitor drift = new DriftMonitor(metrics, config.drift(), maxBatch);
    InferenceTimeouts timeouts = new InferenceTimeouts(config.resilience().inferenceTimeout());
    Router router = new Router(config.routing());
    BatchScheduler<LoadedVariant> scheduler =
        new BatchScheduler<>(config.batching(), inf.workers());
    scheduler.start(
        new InferenceRunner(
            metrics,
            drift,
            timeouts,
            new ChampionFallback(router, scheduler, metrics),
            inf.earlyExit()));
    ShadowAgreement agreement = new ShadowAgreement(metrics);
    ClassificationService service =
        new ClassificationService(
            router,
            scheduler,
            new InflightLimit(config.batching().queueCapacity()),
            metrics,
            agreement,
            drift,
            config.routing());
    VariantBreakers breakers = new VariantBreakers(config.resilience(), metrics);
    RegistryClient client =
        config.registry() == null
            ? null
            : new RegistryClient(
                RegistryClientConfig.of(config.registry().url(), config.registry().token()));
    VariantLoader loader =
        client == null
            ? null
            : new VariantLoader(client, config.registry(), inf, maxBatch, breakers, metrics, drift);
    SwapCoordinator swaps =
        new SwapCoordinator(
            router,
            loader,
            scheduler,
            breakers,
            metrics,
            client,
            config.models(),
            config.aliases());
    ModelEventFollower events = null;
    FeedbackFollower feedback = null;
    RequestConsumer consumer = null;
    Vertx vertx = null;
    HttpServer http = null;
    try {
      if (config.kafka() != null && client != null) {
        events = new ModelEventFollower(config.kafka(), swaps);
        events.prepare();
      }
      if (client != null) {
        try {
          for (SwapReport r : swaps.syncAll().join()) {
            if (r.failed()) {
              LOG.error(
                  "initial load failed model={} alias={} error={}",
                  r.model(),
                  r.alias(),
                  r.error());
            }
          }
        } catch (RuntimeException e) {
          LOG.warn("initial registry sync failed (the poll retries) error={}", e.toString());
        }
        swaps.startPolling(config.registry().pollInterval());
      }
      if (events != null) {
        events.start();
      }
      if (config.kafka() != null) {
        feedback = new FeedbackFollower(config.kafka(), drift);
        feedback.start();
        consumer = new RequestConsumer(config.kafka(), service, metrics);
        consumer.start();
      }
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
      Gateway[] self = new Gateway[1];
      if (config.http().port() >= 0) {
        HttpApi api =
            new HttpApi(
                service, metrics, () -> self[0] != null && self[0].isReady(), config.http());
        http =
            vertx
                .createHttpServer(
                    new HttpServerOptions()
                        .setHost(config.http().host())
                        .setPort(config.http().port()))
                .requestHandler(api.router(vertx))
                .listen()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
      }
      Gateway g =
          new Gateway(
              config, metrics, service, scheduler, timeouts, swaps, events, feedback, consumer,
              agreement, drift, vertx, http);
      self[0] = g;
      LOG.info(
          "gateway started http={} kafka={} delivery={} models={} ms={}",
          g.httpPort(),
          config.kafka() == null ? "off" : config.kafka().bootstrapServers(),
          config.kafka() == null ? "-" : config.kafka().delivery(),
          router.models(),
          (System.nanoTime() - t0) / 1_000_000);
      return g;
    } catch (Exception e) {
      closeQuietly(consumer, feedback, events);
      scheduler.close();
      swaps.close();
      timeouts.close();
      if (vertx != null) {
        vertx.close();
      }
      throw new IllegalStateException("gateway failed to start: " + e.getMessage(), e);
    }
  }

  /** The bound HTTP port, or -1 when HTTP is off. */
  public int httpPort() {
    return http == null ? -1 : http.actualPort();
  }

  /**
   * Ready: the Kafka path (when configured) is consuming and every configured model has a champion
   * loaded.
   */
  public boolean isReady() {
    if (closed || (consumer != null && !consumer.isReady())) {
      return false;
    }
    for (String m : config.models()) {
      if (service.router().champion(m).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Waits until {@link #isReady()} or the timeout; returns whether it became ready. */
  public boolean awaitReady(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!isReady() && System.nanoTime() < end) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return isReady();
  }

  public GatewayConfig config() {
    return config;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  public ClassificationService service() {
    return service;
  }

  public SwapCoordinator swaps() {
    return swaps;
  }

  public ShadowAgreement shadowAgreement() {
    return agreement;
  }

  public DriftMonitor drift() {
    return drift;
  }

  /** Why the Kafka path stopped on its own, or null. */
  public String kafkaFailure() {
    return consumer == null ? null : consumer.failure();
  }

  /** The champion currently serving {@code model}, if any. */
  public Integer championVersion(String model) {
    return service.router().champion(model).map(LoadedVariant::version).orElse(null);
  }

  /** Versions per alias of {@code model}, as routed now. */
  public List<String> routes(String model) {
    return service
        .router()
        .table(model)
        .map(
            t ->
                t.aliases().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue().version())
                    .sorted()
                    .toList())
        .orElse(List.of(ModelRef.CHAMPION + "=none"));
  }

  /**
   * Stops: HTTP first, then the Kafka path (which answers and commits what it took, up to 10 s),
   * the followers, the workers, and finally the models.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.close()
          .toCompletionStage()
          .toCompletableFuture()
          .orTimeout(10, TimeUnit.SECONDS)
          .exceptionally(e -> null)
          .join();
    }
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(10));
    }
    closeQuietly(feedback, events);
    scheduler.close();
    swaps.close();
    timeouts.close();
    vertx
        .close()
        .toCompletionStage()
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .join();
    LOG.info("gateway stopped");
  }

  private static void closeQuietly(AutoCloseable... parts) {
    for (AutoCloseable c : parts) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("close failed part={} error={}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
