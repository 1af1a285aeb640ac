package io.prunegate.gateway.config;

import static io.prunegate.config.ValueGrammar.DOUBLE;
import static io.prunegate.config.ValueGrammar.DURATION_TYPE;
import static io.prunegate.config.ValueGrammar.INT;
import static io.prunegate.config.ValueGrammar.LIST;
import static io.prunegate.config.ValueGrammar.NEGATABLE_BOOLEAN;
import static io.prunegate.config.ValueGrammar.PATH;
import static io.prunegate.config.ValueGrammar.SIZE_TYPE;
import static io.prunegate.config.ValueGrammar.STRING;

import io.prunegate.config.Option;
import io.prunegate.config.OptionTable;
import io.prunegate.config.Validator;
import io.prunegate.config.ValueType;
import io.prunegate.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every option of the gateway, declared once: {@link #TABLE} is what {@code GatewayMain serve}
 * binds, {@code --help} lists and {@code gateway/README.md} shows (a test keeps that table in
 * step). {@link GatewayConfig#from} turns the bound values into the typed records, and the records'
 * {@code defaults()} read their defaults from here, so a default is stated once.
 */
public final class GatewayOptions {

  /** The {@code serve} options, in documentation order. */
  public static final OptionTable TABLE = OptionTable.of("gateway");

  /** {@code at-least-once} or {@code exactly-once}, see {@link Delivery#parse}. */
  public static final ValueType<Delivery> DELIVERY_TYPE =
      new ValueType<>("delivery", Delivery::parse, ValueType.Shape.SCALAR);

  public static final Option<String> KAFKA_BOOTSTRAP =
      Option.define("kafka bootstrap", STRING)
          .flag("--kafka-bootstrap")
          .env("PRUNEGATE_KAFKA_BOOTSTRAP")
          .doc("Kafka bootstrap servers; unset: HTTP only")
          .in(TABLE);

  public static final Option<String> GROUP_ID =
      Option.define("group id", STRING)
          .flag("--group-id")
          .env("PRUNEGATE_GATEWAY_GROUP_ID")
          .byDefault("prunegate-gateway")
          .doc("consumer group of the requests topic")
          .in(TABLE);

  public static final Option<String> GROUP_INSTANCE_ID =
      Option.define("group instance id", STRING)
          .flag("--group-instance-id")
          .env("PRUNEGATE_GATEWAY_INSTANCE_ID")
          .doc(
              "static membership: a restarted instance takes its partitions back at once (use the pod name)")
          .in(TABLE);

  public static final Option<Delivery> DELIVERY =
      Option.define("delivery", DELIVERY_TYPE)
          .flag("--delivery")
          .env("PRUNEGATE_GATEWAY_DELIVERY")
          .byDefault("at-least-once")
          .doc("`at-least-once` or `exactly-once` (below)")
          .in(TABLE);

  public static final Option<String> TRANSACTIONAL_ID =
      Option.define("transactional id", STRING)
          .flag("--transactional-id")
          .env("PRUNEGATE_GATEWAY_TRANSACTIONAL_ID")
          .shownDefault("`<group-id>-<instance id or UUID>`")
          .doc(
              "exactly-once producer id; stable across restarts when an instance id is set, so a restart fences its dead predecessor")
          .in(TABLE);

  public static final Option<Integer> MAX_POLL_RECORDS =
      Option.define("max poll records", INT)
          .flag("--max-poll-records")
          .env("PRUNEGATE_GATEWAY_MAX_POLL_RECORDS")
          .byDefault("256")
          .doc("records per poll")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Duration> SESSION_TIMEOUT =
      Option.define("session timeout", DURATION_TYPE)
          .flag("--session-timeout")
          .env("PRUNEGATE_GATEWAY_SESSION_TIMEOUT")
          .byDefault("10s")
          .doc("consumer session timeout (heartbeat: a third of it)")
          .in(TABLE);

  public static final Option<Duration> COMMIT_INTERVAL =
      Option.define("commit interval", DURATION_TYPE)
          .flag("--commit-interval")
          .env("PRUNEGATE_GATEWAY_COMMIT_INTERVAL")
          .byDefault("100ms")
          .doc("how often settled offsets (or transactions) are committed")
          .in(TABLE);

  public static final Option<String> TOPIC_REQUESTS =
      Option.define("requests topic", STRING)
          .flag("--topic-requests")
          .env("PRUNEGATE_TOPIC_REQUESTS")
          .byDefault(Topics.DEFAULT_REQUESTS)
          .doc("requests topic")
          .in(TABLE);

  public static final Option<String> TOPIC_RESULTS =
      Option.define("results topic", STRING)
          .flag("--topic-results")
          .env("PRUNEGATE_TOPIC_RESULTS")
          .byDefault(Topics.DEFAULT_RESULTS)
          .doc("results topic")
          .in(TABLE);

  public static final Option<String> TOPIC_DLQ =
      Option.define("dead-letter topic", STRING)
          .flag("--topic-dlq")
          .env("PRUNEGATE_TOPIC_DLQ")
          .byDefault(Topics.DEFAULT_DEAD_LETTER)
          .doc("dead-letter topic of malformed requests")
          .in(TABLE);

  public static final Option<String> TOPIC_FEEDBACK =
      Option.define("feedback topic", STRING)
          .flag("--topic-feedback")
          .env("PRUNEGATE_TOPIC_FEEDBACK")
          .byDefault(Topics.DEFAULT_FEEDBACK)
          .doc("feedback (true labels) topic")
          .in(TABLE);

  public static final Option<String> TOPIC_MODEL_EVENTS =
      Option.define("model-events topic", STRING)
          .flag("--topic-model-events")
          .env("PRUNEGATE_TOPIC_MODEL_EVENTS")
          .byDefault(Topics.DEFAULT_MODEL_EVENTS)
          .doc("model-events topic (hot swap)")
          .in(TABLE);

  public static final Option<String> TOPIC_SHADOW_RESULTS =
      Option.define("shadow-results topic", STRING)
          .flag("--topic-shadow-results")
          .env("PRUNEGATE_TOPIC_SHADOW_RESULTS")
          .byDefault(Topics.DEFAULT_SHADOW_RESULTS)
          .doc("shadow answers topic (same record as a result, keyed like it)")
          .in(TABLE);

  public static final Option<String> REGISTRY_URL =
      Option.define("registry URL", STRING)
          .flag("--registry-url")
          .env("PRUNEGATE_REGISTRY_URL")
          .doc("registry base URL; unset: nothing can be served")
          .in(TABLE);

  public static final Option<String> REGISTRY_TOKEN =
      Option.define("registry token", STRING)
          .flag("--registry-token")
          .env("PRUNEGATE_REGISTRY_TOKEN")
          .doc("bearer token (prefer the variable: flags show in `ps`)")
          .in(TABLE);

  public static final Option<Path> CACHE_DIR =
      Option.define("cache dir", PATH)
          .flag("--cache-dir")
          .env("PRUNEGATE_GATEWAY_CACHE_DIR")
          .byDefault(".prunegate/gateway/models")
          .doc("downloaded versions, `<dir>/<model>/<version>/`")
          .in(TABLE);

  public static final Option<Duration> REGISTRY_POLL =
      Option.define("registry poll", DURATION_TYPE)
          .flag("--registry-poll")
          .env("PRUNEGATE_GATEWAY_REGISTRY_POLL")
          .byDefault("30s")
          .doc(
              "re-read aliases besides events (catches missed events, retries failed loads); `0s`: never")
          .in(TABLE);

  public static final Option<Integer> LOAD_ATTEMPTS =
      Option.define("load attempts", INT)
          .flag("--load-attempts")
          .env("PRUNEGATE_GATEWAY_LOAD_ATTEMPTS")
          .byDefault("3")
          .doc(
              "download attempts per version (backoff from 500 ms, doubling), on top of the client's per-call retries")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<List<String>> MODELS =
      Option.define("models", LIST)
          .flag("--model")
          .env("PRUNEGATE_GATEWAY_MODELS")
          .byDefault("")
          .shownDefault("all")
          .doc(
              "models to serve (repeatable / comma-separated); none: every model the registry has or announces")
          .in(TABLE);

  public static final Option<List<String>> ALIASES =
      Option.define("aliases", LIST)
          .flag("--alias")
          .env("PRUNEGATE_GATEWAY_ALIASES")
          .byDefault("champion,challenger,shadow")
          .doc(
              "aliases followed per model (`champion` required); others are reachable as `name@alias`")
          .in(TABLE);

  public static final Option<Integer> MAX_BATCH =
      Option.define("max batch", INT)
          .flag("--max-batch")
          .env("PRUNEGATE_GATEWAY_MAX_BATCH")
          .byDefault("32")
          .doc("most requests per batch")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Duration> MAX_QUEUE_DELAY =
      Option.define("max queue delay", DURATION_TYPE)
          .flag("--max-queue-delay")
          .env("PRUNEGATE_GATEWAY_MAX_QUEUE_DELAY")
          .byDefault("10ms")
          .doc("longest a request waits for its batch to fill (Triton's `max_queue_delay`)")
          .in(TABLE);

  public static final Option<Integer> QUEUE_CAPACITY =
      Option.define("queue capacity", INT)
          .flag("--queue-capacity")
          .env("PRUNEGATE_GATEWAY_QUEUE_CAPACITY")
          .byDefault("1024")
          .doc("admitted, unanswered requests; beyond it Kafka pauses and HTTP answers 429")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Integer> GROUPING_WINDOW =
      Option.define("grouping window", INT)
          .flag("--grouping-window")
          .env("PRUNEGATE_GATEWAY_GROUPING_WINDOW")
          .byDefault("4")
          .doc(
              "batches are cut from the oldest `window x max-batch` requests, grouped by length (1: arrival order)")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Double> CHALLENGER_SHARE =
      Option.define("challenger share", DOUBLE)
          .flag("--challenger-share")
          .env("PRUNEGATE_GATEWAY_CHALLENGER_SHARE")
          .byDefault("0.1")
          .doc("share of champion traffic the challenger gets, sticky by routing-key hash")
          .validate(GatewayOptions::requireShare)
          .in(TABLE);

  public static final Option<Double> SHADOW_SHARE =
      Option.define("shadow share", DOUBLE)
          .flag("--shadow-share")
          .env("PRUNEGATE_GATEWAY_SHADOW_SHARE")
          .byDefault("1.0")
          .doc("share of champion traffic copied to the shadow (by request-id hash)")
          .validate(GatewayOptions::requireShare)
          .in(TABLE);

  public static final Option<Integer> SHADOW_QUEUE_LIMIT =
      Option.define("shadow queue limit", INT)
          .flag("--shadow-queue-limit")
          .env("PRUNEGATE_GATEWAY_SHADOW_QUEUE_LIMIT")
          .byDefault("256")
          .doc("shadow copies queued at most; beyond it copies are dropped (counted)")
          .validate(Validator.atLeast(0))
          .in(TABLE);

  public static final Option<Integer> WORKERS =
      Option.define("workers", INT)
          .flag("--workers")
          .env("PRUNEGATE_GATEWAY_WORKERS")
          .byDefault("1")
          .doc("inference worker threads")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Integer> THREADS =
      Option.define("threads", INT)
          .flag("--threads")
          .env("PRUNEGATE_THREADS")
          .byDefault("2")
          .doc("engine (libtorch) intra-op threads")
          .validate(Validator.atLeast(0))
          .in(TABLE);

  public static final Option<Integer> INTEROP_THREADS =
      Option.define("interop threads", INT)
          .flag("--interop-threads")
          .env("PRUNEGATE_INTEROP_THREADS")
          .byDefault("1")
          .doc("engine inter-op threads")
          .validate(Validator.atLeast(0))
          .in(TABLE);

  public static final Option<String> DEVICE =
      Option.define("device", STRING)
          .flag("--device")
          .env("PRUNEGATE_DEVICE")
          .byDefault("cpu")
          .doc("`cpu`, `gpu[:n]`, `auto`")
          .in(TABLE);

  public static final Option<Boolean> EARLY_EXIT =
      Option.define("early exit", NEGATABLE_BOOLEAN)
          .flag("--early-exit")
          .env("PRUNEGATE_GATEWAY_EARLY_EXIT")
          .byDefault("true")
          .doc("answer at the first confident chip (`--no-early-exit`: always the deepest)")
          .in(TABLE);

  public static final Option<Integer> WARMUP_BATCHES =
      Option.define("warmup batches", INT)
          .flag("--warmup-batches")
          .env("PRUNEGATE_GATEWAY_WARMUP_BATCHES")
          .byDefault("2")
          .doc(
              "batches (max size, then 1) run on a loaded version before it takes traffic; 0: none")
          .validate(Validator.atLeast(0))
          .in(TABLE);

  public static final Option<Duration> INFERENCE_TIMEOUT =
      Option.define("inference timeout", DURATION_TYPE)
          .flag("--inference-timeout")
          .env("PRUNEGATE_GATEWAY_INFERENCE_TIMEOUT")
          .byDefault("10s")
          .doc(
              "a batch not done by then answers its requests `error` (and counts as a breaker failure)")
          .in(TABLE);

  public static final Option<Double> BREAKER_FAILURE_RATE =
      Option.define("breaker failure rate", DOUBLE)
          .flag("--breaker-failure-rate")
          .env("PRUNEGATE_GATEWAY_BREAKER_FAILURE_RATE")
          .byDefault("50")
          .doc("percent of failed batches that opens a version's breaker")
          .validate(GatewayOptions::requirePercent)
          .in(TABLE);

  public static final Option<Integer> BREAKER_WINDOW =
      Option.define("breaker window", INT)
          .flag("--breaker-window")
          .env("PRUNEGATE_GATEWAY_BREAKER_WINDOW")
          .byDefault("20")
          .doc("batches in the breaker's window")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Integer> BREAKER_MIN_CALLS =
      Option.define("breaker min calls", INT)
          .flag("--breaker-min-calls")
          .env("PRUNEGATE_GATEWAY_BREAKER_MIN_CALLS")
          .byDefault("5")
          .doc("batches before the breaker judges")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Duration> BREAKER_OPEN =
      Option.define("breaker open", DURATION_TYPE)
          .flag("--breaker-open")
          .env("PRUNEGATE_GATEWAY_BREAKER_OPEN")
          .byDefault("30s")
          .doc("time an open breaker waits before probing")
          .in(TABLE);

  public static final Option<String> HTTP_HOST =
      Option.define("http host", STRING)
          .flag("--http-host")
          .env("PRUNEGATE_GATEWAY_HTTP_HOST")
          .byDefault("127.0.0.1")
          .doc("bind address (`0.0.0.0` in a container)")
          .in(TABLE);

  public static final Option<Integer> HTTP_PORT =
      Option.define("http port", INT)
          .flag("--http-port")
          .env("PRUNEGATE_GATEWAY_HTTP_PORT")
          .byDefault("8080")
          .doc("port; `0`: any free port; `-1`: no HTTP")
          .validate(Validator.between(-1, 65535))
          .in(TABLE);

  public static final Option<Long> MAX_BODY =
      Option.define("max body", SIZE_TYPE)
          .flag("--max-body")
          .env("PRUNEGATE_GATEWAY_MAX_BODY")
          .byDefault("4m")
          .doc("largest HTTP body (413 beyond)")
          .in(TABLE);

  public static final Option<Integer> MAX_TEXTS =
      Option.define("max texts", INT)
          .flag("--max-texts")
          .env("PRUNEGATE_GATEWAY_MAX_TEXTS")
          .byDefault("256")
          .doc("most texts in one OIP infer request (413 beyond)")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Integer> ACCURACY_WINDOW =
      Option.define("accuracy window", INT)
          .flag("--accuracy-window")
          .env("PRUNEGATE_GATEWAY_ACCURACY_WINDOW")
          .byDefault("500")
          .doc("labelled answers per variant in the live-accuracy window")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Integer> LATENCY_WINDOW =
      Option.define("latency window", INT)
          .flag("--latency-window")
          .env("PRUNEGATE_GATEWAY_LATENCY_WINDOW")
          .byDefault("50")
          .doc("batches in the latency-drift baseline and current windows")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Integer> JOURNAL_SIZE =
      Option.define("journal size", INT)
          .flag("--journal-size")
          .env("PRUNEGATE_GATEWAY_JOURNAL_SIZE")
          .byDefault("100000")
          .doc("answers remembered for joining feedback by request id")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  private GatewayOptions() {}

  private static void requireShare(double share) {
    if (share < 0 || share > 1) {
      throw new IllegalArgumentException("must lie in [0, 1], was " + share);
    }
  }

  private static void requirePercent(double percent) {
    if (percent <= 0 || percent > 100) {
      throw new IllegalArgumentException("must lie in (0, 100], was " + percent);
    }
  }
}
