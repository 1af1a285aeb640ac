package io.prunegate.gateway.config;

import io.prunegate.config.OptionValues;
import io.prunegate.events.ModelRef;
import io.prunegate.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a gateway runs with, as typed records. Every option and its default is declared once
 * in {@link GatewayOptions}; {@link #from} builds these records from the bound values (the CLI
 * binds flags over {@code PRUNEGATE_*} variables over defaults), and each record's {@code
 * defaults()} is its part of {@code from(GatewayOptions.TABLE.defaults())}. {@link #defaults()}
 * serves HTTP only; add {@link Kafka} settings for the Kafka path and {@link Registry} settings to
 * load models. Code that configures a gateway (tests, benchmarks, the demo) sets options on {@code
 * GatewayOptions.TABLE.defaults()} and calls {@link #from}, like the CLI: there is no second way;
 * {@code gateway/README.md}'s option table is generated from the declarations.
 *
 * @param kafka the Kafka path, or null for HTTP only
 * @param registry where models come from, or null (nothing can be served without it)
 * @param models the models to serve; empty = every model the registry has (and any that appears)
 * @param aliases the aliases followed per model; {@code champion} must be among them
 * @param batching micro-batching and admission
 * @param routing challenger and shadow shares
 * @param inference workers, engine threads, early exit, warm-up
 * @param resilience timeouts and circuit breakers
 * @param http the HTTP server
 * @param drift live accuracy and latency drift windows
 */
public record GatewayConfig(
    Kafka kafka,
    Registry registry,
    List<String> models,
    List<String> aliases,
    Batching batching,
    Routing routing,
    Inference inference,
    Resilience resilience,
    Http http,
    Drift drift) {

  public GatewayConfig {
    models = List.copyOf(models);
    aliases = List.copyOf(aliases);
    for (String m : models) {
      if (!ModelRef.isValidName(m)) {
        throw new IllegalArgumentException("invalid model name '" + m + "'");
      }
    }
    if (!aliases.contains(ModelRef.CHAMPION)) {
      throw new IllegalArgumentException("the followed aliases must include champion");
    }
    Objects.requireNonNull(batching, "batching");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(inference, "inference");
    Objects.requireNonNull(resilience, "resilience");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(drift, "drift");
  }

  /** The declared defaults: HTTP on port 8080, no Kafka, no registry. */
  public static GatewayConfig defaults() {
    return from(GatewayOptions.TABLE.defaults());
  }

  /**
   * The configuration of {@code values}: the Kafka path only with a bootstrap address, the registry
   * only with a URL (blank counts as unset).
   */
  public static GatewayConfig from(OptionValues values) {
    String bootstrap = values.get(GatewayOptions.KAFKA_BOOTSTRAP);
    String registryUrl = values.get(GatewayOptions.REGISTRY_URL);
    return new GatewayConfig(
        bootstrap == null ? null : Kafka.from(bootstrap, values),
        registryUrl == null ? null : Registry.from(registryUrl, values),
        values.get(GatewayOptions.MODELS),
        values.get(GatewayOptions.ALIASES),
        Batching.from(values),
        Routing.from(values),
        Inference.from(values),
        Resilience.from(values),
        Http.from(values),
        Drift.from(values));
  }

  /**
   * The Kafka path.
   *
   * @param bootstrapServers Kafka bootstrap servers
   * @param topics topic names (requests, results, DLQ, feedback, model events, shadow results)
   * @param groupId consumer group of the requests topic
   * @param groupInstanceId static group membership id (a restarted instance takes its partitions
   *     back at once, without a rebalance), or null
   * @param delivery at-least-once (default) or exactly-once
   * @param transactionalId transactional id in exactly-once mode (null: {@code <groupId>-<instance
   *     id or a random UUID>})
   * @param maxPollRecords records per poll
   * @param sessionTimeout consumer group session timeout
   * @param commitInterval how often acknowledged offsets are committed (or transactions committed)
   * @param properties extra client properties for every consumer and producer (security, ...)
   */
  public record Kafka(
      String bootstrapServers,
      Topics topics,
      String groupId,
      String groupInstanceId,
      Delivery delivery,
      String transactionalId,
      int maxPollRecords,
      Duration sessionTimeout,
      Duration commitInterval,
      Map<String, String> properties) {

    public Kafka {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(delivery, "delivery");
      if (maxPollRecords < 1) {
        throw new IllegalArgumentException("maxPollRecords must be >= 1");
      }
      Objects.requireNonNull(sessionTimeout, "sessionTimeout");
      Objects.requireNonNull(commitInterval, "commitInterval");
      properties = Map.copyOf(properties);
    }

    /** The Kafka path of {@code values} on {@code bootstrapServers}. */
    public static Kafka from(String bootstrapServers, OptionValues values) {
      return new Kafka(
          bootstrapServers,
          new Topics(
              values.get(GatewayOptions.TOPIC_REQUESTS),
              values.get(GatewayOptions.TOPIC_RESULTS),
              values.get(GatewayOptions.TOPIC_DLQ),
              values.get(GatewayOptions.TOPIC_FEEDBACK),
              values.get(GatewayOptions.TOPIC_MODEL_EVENTS),
              values.get(GatewayOptions.TOPIC_SHADOW_RESULTS)),
          values.get(GatewayOptions.GROUP_ID),
          values.get(GatewayOptions.GROUP_INSTANCE_ID),
          values.get(GatewayOptions.DELIVERY),
          values.get(GatewayOptions.TRANSACTIONAL_ID),
          values.get(GatewayOptions.MAX_POLL_RECORDS),
          values.get(GatewayOptions.SESSION_TIMEOUT),
          values.get(GatewayOptions.COMMIT_INTERVAL),
          Map.of());
    }
  }

  /**
   * The model registry.
   *
   * @param url base URL, e.g. {@code http://127.0.0.1:8081}
   * @param token bearer token (reads may be open; null sends none)
   * @param cacheDir where downloaded versions are kept ({@code <cacheDir>/<model>/<version>})
   * @param pollInterval how often aliases are re-read from the registry besides events (zero:
   *     never)
   * @param loadAttempts attempts to download and verify a version before the load counts as failed
   * @param loadBackoff pause before the first retry (doubled per retry)
   */
  public record Registry(
      String url,
      String token,
      Path cacheDir,
      Duration pollInterval,
      int loadAttempts,
      Duration loadBackoff) {

    public Registry {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(cacheDir, "cacheDir");
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (loadAttempts < 1) {
        throw new IllegalArgumentException("loadAttempts must be >= 1");
      }
      Objects.requireNonNull(loadBackoff, "loadBackoff");
    }

    // Not an option: tests and operators have never needed to tune it; 500 ms doubled per retry.
    private static final Duration LOAD_BACKOFF = Duration.ofMillis(500);

    /** The registry settings of {@code values} at {@code url}. */
    public static Registry from(String url, OptionValues values) {
      return new Registry(
          url,
          values.get(GatewayOptions.REGISTRY_TOKEN),
          values.get(GatewayOptions.CACHE_DIR),
          values.get(GatewayOptions.REGISTRY_POLL),
          values.get(GatewayOptions.LOAD_ATTEMPTS),
          LOAD_BACKOFF);
    }
  }

  /**
   * Micro-batching (like Triton's dynamic batcher) and admission.
   *
   * @param maxBatchSize most requests per batch
   * @param maxQueueDelay longest a request waits for its batch to fill (Triton's {@code
   *     max_queue_delay_microseconds})
   * @param queueCapacity requests admitted and not yet answered; beyond it the Kafka consumer
   *     pauses and HTTP answers 429
   * @param groupingWindow batches are cut from the oldest {@code groupingWindow x maxBatchSize}
   *     queued requests, grouped by length to cut padding (1 = strict arrival order)
   */
  public record Batching(
      int maxBatchSize, Duration maxQueueDelay, int queueCapacity, int groupingWindow) {

    public Batching {
      if (maxBatchSize < 1 || queueCapacity < maxBatchSize || groupingWindow < 1) {
        throw new IllegalArgumentException(
            "need maxBatchSize >= 1, queueCapacity >= maxBatchSize, groupingWindow >= 1");
      }
      Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
    }

    /** The declared defaults: 32 per batch, 10 ms delay, 1024 in flight, grouping over 4. */
    public static Batching defaults() {
      return from(GatewayOptions.TABLE.defaults());
    }

    public static Batching from(OptionValues values) {
      return new Batching(
          values.get(GatewayOptions.MAX_BATCH),
          values.get(GatewayOptions.MAX_QUEUE_DELAY),
          values.get(GatewayOptions.QUEUE_CAPACITY),
          values.get(GatewayOptions.GROUPING_WINDOW));
    }
  }

  /**
   * A/B routing.
   *
   * @param challengerShare fraction of champion traffic (by routing-key hash) the challenger gets
   * @param shadowShare fraction of champion traffic copied to the shadow (by request-id hash)
   * @param shadowQueueLimit shadow copies queued at most; beyond it copies are dropped (counted)
   */
  public record Routing(double challengerShare, double shadowShare, int shadowQueueLimit) {

    public Routing {
      if (challengerShare < 0 || challengerShare > 1 || shadowShare < 0 || shadowShare > 1) {
        throw new IllegalArgumentException("shares must lie in [0, 1]");
      }
      if (shadowQueueLimit < 0) {
        throw new IllegalArgumentException("shadowQueueLimit must be >= 0");
      }
    }

    /** The declared defaults: challenger 10%, shadow 100%, up to 256 shadow copies queued. */
    public static Routing defaults() {
      return from(GatewayOptions.TABLE.defaults());
    }

    public static Routing from(OptionValues values) {
      return new Routing(
          values.get(GatewayOptions.CHALLENGER_SHARE),
          values.get(GatewayOptions.SHADOW_SHARE),
          values.get(GatewayOptions.SHADOW_QUEUE_LIMIT));
    }
  }

  /**
   * Inference.
   *
   * @param workers inference worker threads (each runs one batch at a time)
   * @param threads engine intra-op threads per batch
   * @param interOpThreads engine inter-op threads
   * @param device {@code cpu}, {@code gpu[:n]} or {@code auto}
   * @param earlyExit answer at the first confident chip (else always the deepest)
   * @param warmupBatches batches run on a freshly loaded variant before it takes traffic
   */
  public record Inference(
      int workers,
      int threads,
      int interOpThreads,
      String device,
      boolean earlyExit,
      int warmupBatches) {

    public Inference {
      if (workers < 1 || threads < 0 || interOpThreads < 0 || warmupBatches < 0) {
        throw new IllegalArgumentException("invalid inference settings");
      }
      Objects.requireNonNull(device, "device");
    }

    /** The declared defaults: one worker with two engine threads (best on 2 cores: README). */
    public static Inference defaults() {
      return from(GatewayOptions.TABLE.defaults());
    }

    public static Inference from(OptionValues values) {
      return new Inference(
          values.get(GatewayOptions.WORKERS),
          values.get(GatewayOptions.THREADS),
          values.get(GatewayOptions.INTEROP_THREADS),
          values.get(GatewayOptions.DEVICE),
          values.get(GatewayOptions.EARLY_EXIT),
          values.get(GatewayOptions.WARMUP_BATCHES));
    }
  }

  /**
   * Resilience.
   *
   * @param inferenceTimeout a batch not done by then answers its requests with an error
   * @param failureRateThreshold percent of failed batches that opens a variant's circuit breaker
   * @param slidingWindow batches in the breaker's window
   * @param minimumCalls batches before the breaker judges
   * @param openDuration how long an open breaker stays open before probing
   */
  public record Resilience(
      Duration inferenceTimeout,
      float failureRateThreshold,
      int slidingWindow,
      int minimumCalls,
      Duration openDuration) {

    public Resilience {
      Objects.requireNonNull(inferenceTimeout, "inferenceTimeout");
      Objects.requireNonNull(openDuration, "openDuration");
      if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
        throw new IllegalArgumentException("failureRateThreshold must lie in (0, 100]");
      }
      if (slidingWindow < 1 || minimumCalls < 1) {
        throw new IllegalArgumentException("slidingWindow and minimumCalls must be >= 1");
      }
    }

    /**
     * The declared defaults: 10 s timeout; the breaker opens at 50% failures over 20 batches (at
     * least 5) and stays open 30 s.
     */
    public static Resilience defaults() {
      return from(GatewayOptions.TABLE.defaults());
    }

    public static Resilience from(OptionValues values) {
      return new Resilience(
          values.get(GatewayOptions.INFERENCE_TIMEOUT),
          values.get(GatewayOptions.BREAKER_FAILURE_RATE).floatValue(),
          values.get(GatewayOptions.BREAKER_WINDOW),
          values.get(GatewayOptions.BREAKER_MIN_CALLS),
          values.get(GatewayOptions.BREAKER_OPEN));
    }
  }

  /**
   * The HTTP server.
   *
   * @param host bind address
   * @param port port; 0 picks a free one; -1 disables HTTP
   * @param maxBodyBytes largest request body (413 beyond)
   * @param maxTextsPerRequest most texts in one OIP infer request
   */
  public record Http(String host, int port, long maxBodyBytes, int maxTextsPerRequest) {

    public Http {
      Objects.requireNonNull(host, "host");
      if (port < -1 || port > 65535 || maxBodyBytes < 1024 || maxTextsPerRequest < 1) {
        throw new IllegalArgumentException("invalid HTTP settings");
      }
    }

    public static Http defaults() {
      return from(GatewayOptions.TABLE.defaults());
    }

    public static Http from(OptionValues values) {
      return new Http(
          values.get(GatewayOptions.HTTP_HOST),
          values.get(GatewayOptions.HTTP_PORT),
          values.get(GatewayOptions.MAX_BODY),
          values.get(GatewayOptions.MAX_TEXTS));
    }
  }

  /**
   * Drift monitors.
   *
   * @param accuracyWindow labelled answers per variant in the live-accuracy window
   * @param latencyWindow batches per variant in the latency windows (baseline and current)
   * @param journalSize answered requests remembered for joining feedback by id
   */
  public record Drift(int accuracyWindow, int latencyWindow, int journalSize) {

    public Drift {
      if (accuracyWindow < 1 || latencyWindow < 1 || journalSize < 1) {
        throw new IllegalArgumentException("drift windows must be >= 1");
      }
    }

    public static Drift defaults() {
      return from(GatewayOptions.TABLE.defaults());
    }

    public static Drift from(OptionValues values) {
      return new Drift(
          values.get(GatewayOptions.ACCURACY_WINDOW),
          values.get(GatewayOptions.LATENCY_WINDOW),
          values.get(GatewayOptions.JOURNAL_SIZE));
    }
  }
}
