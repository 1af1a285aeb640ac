package io.prunegate.gateway.cli;

import io.prunegate.config.ValueGrammar;
import io.prunegate.events.Topics;
import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.Delivery;
import io.prunegate.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway as a process: {@code serve} starts a {@link Gateway} from flags, {@code PRUNEGATE_*}
 * environment variables and defaults (in that order of precedence; every option is listed in {@code
 * gateway/README.md}), prints {@value #READY_MARKER} with the HTTP port once ready, and stops
 * cleanly on SIGTERM (answering and committing what it took).
 */
@Command(
    name = "prunegate-gateway",
    mixinStandardHelpOptions = true,
    subcommands = {GatewayMain.Serve.class},
    description = "PruneGate streaming classification gateway.")
public final class GatewayMain implements Runnable {

  /** Printed on stdout once the gateway is ready: {@code PRUNEGATE-GATEWAY-READY <httpPort>}. */
  public static final String READY_MARKER = "PRUNEGATE-GATEWAY-READY";

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with the duration converter registered. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new GatewayMain());
    cl.registerConverter(Duration.class, ValueGrammar::duration);
    return cl;
  }

  /** {@code serve}: runs the gateway until SIGTERM. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway.")
  public static final class Serve implements Callable<Integer> {

    // ---------------------------------------------------------------- Kafka
    @Option(
        names = "--kafka-bootstrap",
        defaultValue = "${env:PRUNEGATE_KAFKA_BOOTSTRAP}",
        description = "Kafka bootstrap servers; unset: HTTP only")
    String bootstrap;

    @Option(
        names = "--group-id",
        defaultValue = "${env:PRUNEGATE_GATEWAY_GROUP_ID:-prunegate-gateway}",
        description = "consumer group of the requests topic (default ${DEFAULT-VALUE})")
    String groupId;

    @Option(
        names = "--group-instance-id",
        defaultValue = "${env:PRUNEGATE_GATEWAY_INSTANCE_ID}",
        description = "static group membership id (a restart takes its partitions back at once)")
    String instanceId;

    @Option(
        names = "--delivery",
        defaultValue = "${env:PRUNEGATE_GATEWAY_DELIVERY:-at-least-once}",
        description = "at-least-once or exactly-once (default ${DEFAULT-VALUE})")
    String delivery;

    @Option(
        names = "--transactional-id",
        defaultValue = "${env:PRUNEGATE_GATEWAY_TRANSACTIONAL_ID}",
        description = "transactional id (exactly-once); default <group-id>-<instance id or UUID>")
    String transactionalId;

    @Option(
        names = "--max-poll-records",
        defaultValue = "${env:PRUNEGATE_GATEWAY_MAX_POLL_RECORDS:-256}",
        description = "records per poll (default ${DEFAULT-VALUE})")
    int maxPollRecords;

    @Option(
        names = "--session-timeout",
        defaultValue = "${env:PRUNEGATE_GATEWAY_SESSION_TIMEOUT:-10s}",
        description = "consumer session timeout (default ${DEFAULT-VALUE})")
    Duration sessionTimeout;

    @Option(
        names = "--commit-interval",
        defaultValue = "${env:PRUNEGATE_GATEWAY_COMMIT_INTERVAL:-100ms}",
        description = "offset (or transaction) commit interval (default ${DEFAULT-VALUE})")
    Duration commitInterval;

    @Option(
        names = "--topic-requests",
        defaultValue = "${env:PRUNEGATE_TOPIC_REQUESTS:-" + Topics.DEFAULT_REQUESTS + "}")
    String topicRequests;

    @Option(
        names = "--topic-results",
        defaultValue = "${env:PRUNEGATE_TOPIC_RESULTS:-" + Topics.DEFAULT_RESULTS + "}")
    String topicResults;

    @Option(
        names = "--topic-dlq",
        defaultValue = "${env:PRUNEGATE_TOPIC_DLQ:-" + Topics.DEFAULT_DEAD_LETTER + "}")
    String topicDlq;

    @Option(
        names = "--topic-feedback",
        defaultValue = "${env:PRUNEGATE_TOPIC_FEEDBACK:-" + Topics.DEFAULT_FEEDBACK + "}")
    String topicFeedback;

    @Option(
        names = "--topic-model-events",
        defaultValue = "${env:PRUNEGATE_TOPIC_MODEL_EVENTS:-" + Topics.DEFAULT_MODEL_EVENTS + "}")
    String topicModelEvents;

    // ---------------------------------------------------------------- registry
    @Option(
        names = "--registry-url",
        defaultValue = "${env:PRUNEGATE_REGISTRY_URL}",
        description = "model registry base URL; unset: nothing to serve")
    String registryUrl;

    @Option(
        names = "--registry-token",
        defaultValue = "${env:PRUNEGATE_REGISTRY_TOKEN}",
        description = "registry bearer token (prefer the variable: flags show in ps)")
    String registryToken;

    @Option(
        names = "--cache-dir",
        defaultValue = "${env:PRUNEGATE_GATEWAY_CACHE_DIR:-.prunegate/gateway/models}",
        description = "downloaded versions (default ${DEFAULT-VALUE})")
    Path cacheDir;

    @Option(
        names = "--registry-poll",
        defaultValue = "${env:PRUNEGATE_GATEWAY_REGISTRY_POLL:-30s}",
        description = "alias re-read interval besides events; 0s: never (default ${DEFAULT-VALUE})")
    Duration registryPoll;

    @Option(
        names = "--load-attempts",
        defaultValue = "${env:PRUNEGATE_GATEWAY_LOAD_ATTEMPTS:-3}",
        description = "download attempts per version (default ${DEFAULT-VALUE})")
    int loadAttempts;

    @Option(
        names = "--model",
        split = ",",
        defaultValue = "${env:PRUNEGATE_GATEWAY_MODELS}",
        description = "models to serve (repeatable or comma-separated); none: every model")
    List<String> models;

    @Option(
        names = "--alias",
        split = ",",
        defaultValue = "${env:PRUNEGATE_GATEWAY_ALIASES:-champion,challenger,shadow}",
        description = "aliases followed per model (default ${DEFAULT-VALUE})")
    List<String> aliases;

    // ---------------------------------------------------------------- batching and routing
    @Option(names = "--max-batch", defaultValue = "${env:PRUNEGATE_GATEWAY_MAX_BATCH:-32}")
    int maxBatch;

    @Option(
        names = "--max-queue-delay",
        defaultValue = "${env:PRUNEGATE_GATEWAY_MAX_QUEUE_DELAY:-10ms}")
    Duration maxQueueDelay;

    @Option(
        names = "--queue-capacity",
        defaultValue = "${env:PRUNEGATE_GATEWAY_QUEUE_CAPACITY:-1024}")
    int queueCapacity;

    @Option(
        names = "--grouping-window",
        defaultValue = "${env:PRUNEGATE_GATEWAY_GROUPING_WINDOW:-4}")
    int groupingWindow;

    @Option(
        names = "--challenger-share",
        defaultValue = "${env:PRUNEGATE_GATEWAY_CHALLENGER_SHARE:-0.1}")
    double challengerShare;

    @Option(names = "--shadow-share", defaultValue = "${env:PRUNEGATE_GATEWAY_SHADOW_SHARE:-1.0}")
    double shadowShare;

    @Option(
        names = "--shadow-queue-limit",
        defaultValue = "${env:PRUNEGATE_GATEWAY_SHADOW_QUEUE_LIMIT:-256}")
    int shadowQueueLimit;

    // ---------------------------------------------------------------- inference and resilience
    @Option(names = "--workers", defaultValue = "${env:PRUNEGATE_GATEWAY_WORKERS:-1}")
    int workers;

    @Option(names = "--threads", defaultValue = "${env:PRUNEGATE_THREADS:-2}")
    int threads;

    @Option(names = "--interop-threads", defaultValue = "${env:PRUNEGATE_INTEROP_THREADS:-1}")
    int interopThreads;

    @Option(names = "--device", defaultValue = "${env:PRUNEGATE_DEVICE:-cpu}")
    String device;

    @Option(
        names = "--early-exit",
        negatable = true,
        defaultValue = "${env:PRUNEGATE_GATEWAY_EARLY_EXIT:-true}",
        fallbackValue = "true")
    boolean earlyExit;

    @Option(names = "--warmup-batches", defaultValue = "${env:PRUNEGATE_GATEWAY_WARMUP_BATCHES:-2}")
    int warmupBatches;

    @Option(
        names = "--inference-timeout",
        defaultValue = "${env:PRUNEGATE_GATEWAY_INFERENCE_TIMEOUT:-10s}")
    Duration inferenceTimeout;

    @Option(
        names = "--breaker-failure-rate",
        defaultValue = "${env:PRUNEGATE_GATEWAY_BREAKER_FAILURE_RATE:-50}")
    float breakerFailureRate;

    @Option(
        names = "--breaker-window",
        defaultValue = "${env:PRUNEGATE_GATEWAY_BREAKER_WINDOW:-20}")
    int breakerWindow;

    @Option(
        names = "--breaker-min-calls",
        defaultValue = "${env:PRUNEGATE_GATEWAY_BREAKER_MIN_CALLS:-5}")
    int breakerMinCalls;

    @Option(names = "--breaker-open", defaultValue = "${env:PRUNEGATE_GATEWAY_BREAKER_OPEN:-30s}")
    Duration breakerOpen;

    // ---------------------------------------------------------------- HTTP and drift
    @Option(names = "--http-host", defaultValue = "${env:PRUNEGATE_GATEWAY_HTTP_HOST:-127.0.0.1}")
    String httpHost;

    @Option(
        names = "--http-port",
        defaultValue = "${env:PRUNEGATE_GATEWAY_HTTP_PORT:-8080}",
        description = "HTTP port; 0: any free port; -1: no HTTP (default ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--max-body", defaultValue = "${env:PRUNEGATE_GATEWAY_MAX_BODY:-4m}")
    String maxBody;

    @Option(names = "--max-texts", defaultValue = "${env:PRUNEGATE_GATEWAY_MAX_TEXTS:-256}")
    int maxTexts;

    @Option(
        names = "--accuracy-window",
        defaultValue = "${env:PRUNEGATE_GATEWAY_ACCURACY_WINDOW:-500}")
    int accuracyWindow;

    @Option(
        names = "--latency-window",
        defaultValue = "${env:PRUNEGATE_GATEWAY_LATENCY_WINDOW:-50}")
    int latencyWindow;

    @Option(
        names = "--journal-size",
        defaultValue = "${env:PRUNEGATE_GATEWAY_JOURNAL_SIZE:-100000}")
    int journalSize;

    /** The configuration these options describe. */
    public GatewayConfig config() {
      GatewayConfig.Kafka kafka = null;
      if (bootstrap != null && !bootstrap.isBlank()) {
        kafka =
            new GatewayConfig.Kafka(
                bootstrap,
                new Topics(topicRequests, topicResults, topicDlq, topicFeedback, topicModelEvents),
                groupId,
                blankToNull(instanceId),
                Delivery.parse(delivery),
                blankToNull(transactionalId),
                maxPollRecords,
                sessionTimeout,
                commitInterval,
                Map.of());
      }
      GatewayConfig.Registry registry = null;
      if (registryUrl != null && !registryUrl.isBlank()) {
        registry =
            new GatewayConfig.Registry(
                registryUrl,
                blankToNull(registryToken),
                cacheDir,
                registryPoll,
                loadAttempts,
                null);
      }
      return new GatewayConfig(
          kafka,
          registry,
          models == null ? List.of() : models.stream().filter(s -> !s.isBlank()).toList(),
          aliases,
          new GatewayConfig.Batching(maxBatch, maxQueueDelay, queueCapacity, groupingWindow),
          new GatewayConfig.Routing(challengerShare, shadowShare, shadowQueueLimit),
          new GatewayConfig.Inference(
              workers, threads, interopThreads, device, earlyExit, warmupBatches),
          new GatewayConfig.Resilience(
              inferenceTimeout, breakerFailureRate, breakerWindow, breakerMinCalls, breakerOpen),
          new GatewayConfig.Http(httpHost, httpPort, ValueGrammar.bytes(maxBody), maxTexts),
          new GatewayConfig.Drift(accuracyWindow, latencyWindow, journalSize));
    }

    @Override
    public Integer call() throws InterruptedException {
      Gateway gateway = Gateway.start(config());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    gateway.close();
                    stopped.countDown();
                  },
                  "gateway-shutdown"));
      while (!gateway.awaitReady(Duration.ofSeconds(1))) {
        if (gateway.kafkaFailure() != null) {
          System.err.println("gateway failed: " + gateway.kafkaFailure());
          return 1;
        }
      }
      System.out.println(READY_MARKER + " " + gateway.httpPort());
      System.out.flush();
      stopped.await();
      return 0;
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}
