package io.prunegate.pruner.config;

import static io.prunegate.config.ValueGrammar.DURATION_TYPE;
import static io.prunegate.config.ValueGrammar.INT;
import static io.prunegate.config.ValueGrammar.PATH;
import static io.prunegate.config.ValueGrammar.STRING;

import io.prunegate.config.Option;
import io.prunegate.config.OptionTable;
import io.prunegate.config.Validator;
import io.prunegate.events.Topics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every option of the pruner, declared once: {@link #TABLE} is what {@code serve} binds, {@code
 * --help} lists and {@code docs/pruner-service.md} shows (a test keeps that table in step); {@link
 * #CLIENT} is the subset the {@code submit} command reads. {@link PrunerConfig#from} turns the
 * bound values into the typed record the service runs with.
 */
public final class PrunerOptions {

  /** The {@code serve} options, in documentation order. */
  public static final OptionTable TABLE = OptionTable.of("pruner");

  public static final Option<String> REGISTRY_URL =
      Option.define("registry URL", STRING)
          .flag("--registry-url")
          .env("PRUNEGATE_REGISTRY_URL")
          .byDefault("http://127.0.0.1:8081")
          .doc("registry base URL")
          .in(TABLE);

  public static final Option<String> REGISTRY_TOKEN =
      Option.define("registry token", STRING)
          .flag("--registry-token")
          .env("PRUNEGATE_REGISTRY_TOKEN")
          .doc("registry write token (prefer the variable: flags show in `ps`)")
          .in(TABLE);

  public static final Option<String> KAFKA_BOOTSTRAP =
      Option.define("kafka bootstrap", STRING)
          .flag("--kafka-bootstrap")
          .env("PRUNEGATE_KAFKA_BOOTSTRAP")
          .doc("Kafka bootstrap servers; unset: no listener, jobs only from the queue (`submit`)")
          .in(TABLE);

  public static final Option<String> GROUP_ID =
      Option.define("group id", STRING)
          .flag("--group-id")
          .env("PRUNEGATE_PRUNER_GROUP_ID")
          .byDefault("prunegate-pruner")
          .doc("consumer group; replicas share it")
          .in(TABLE);

  public static final Option<String> MODEL_EVENTS_TOPIC =
      Option.define("model-events topic", STRING)
          .flag("--topic")
          .env("PRUNEGATE_TOPIC_MODEL_EVENTS")
          .byDefault(Topics.DEFAULT_MODEL_EVENTS)
          .doc("model-events topic")
          .in(TABLE);

  public static final Option<Path> POLICY =
      Option.define("policy", PATH)
          .flag("--policy")
          .env("PRUNEGATE_PRUNER_POLICY")
          .shownDefault("built-in policy")
          .doc(
              "policy JSON file (checked at start-up: an invalid policy or an unavailable method"
                  + " stops the service with the field's name)")
          .in(TABLE);

  public static final Option<Path> WORK_DIR =
      Option.define("work dir", PATH)
          .flag("--work-dir")
          .env("PRUNEGATE_PRUNER_WORK_DIR")
          .byDefault(".prunegate/pruner")
          .doc(
              "downloads (`models/`, kept as a cache) and per-job files (`jobs/<id>/`, deleted"
                  + " when the job ends)")
          .in(TABLE);

  public static final Option<String> WORKER_ID =
      Option.define("worker id", STRING)
          .flag("--worker-id")
          .env("PRUNEGATE_PRUNER_WORKER_ID")
          .shownDefault("`<host>-<pid>`")
          .doc("id in job claims (slots append `/<n>` when concurrency > 1)")
          .validate(
              id -> {
                if (id.isBlank() || id.length() > 200) {
                  throw new IllegalArgumentException("must have 1..200 characters");
                }
              })
          .in(TABLE);

  public static final Option<Integer> CONCURRENCY =
      Option.define("concurrency", INT)
          .flag("--concurrency")
          .env("PRUNEGATE_PRUNER_CONCURRENCY")
          .byDefault("1")
          .doc("jobs run at once by this process")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Duration> LEASE =
      Option.define("lease", DURATION_TYPE)
          .flag("--lease")
          .env("PRUNEGATE_PRUNER_LEASE")
          .byDefault("2m")
          .doc("job lease; renewed every lease/3 while the job runs")
          .validate(Validator.atLeast(Duration.ofSeconds(2)))
          .in(TABLE);

  public static final Option<Integer> MAX_ATTEMPTS =
      Option.define("max attempts", INT)
          .flag("--max-attempts")
          .env("PRUNEGATE_PRUNER_MAX_ATTEMPTS")
          .byDefault("3")
          .doc("claims a job may get before it is failed as \"abandoned\"")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Duration> POLL_INTERVAL =
      Option.define("poll interval", DURATION_TYPE)
          .flag("--poll-interval")
          .env("PRUNEGATE_PRUNER_POLL_INTERVAL")
          .byDefault("5s")
          .doc(
              "how often idle slots look for claimable jobs (immediately when the listener"
                  + " created one)")
          .validate(Validator.positiveDuration())
          .in(TABLE);

  public static final Option<String> DEVICE =
      Option.define("device", STRING)
          .flag("--device")
          .env("PRUNEGATE_DEVICE")
          .byDefault("cpu")
          .doc("`cpu`, `gpu`, `gpu:N`, `auto`")
          .in(TABLE);

  public static final Option<Integer> THREADS =
      Option.define("threads", INT)
          .flag("--threads")
          .env("PRUNEGATE_THREADS")
          .byDefault("0")
          .doc("engine intra-op threads (0: the engine's default)")
          .in(TABLE);

  public static final Option<Integer> INTEROP_THREADS =
      Option.define("interop threads", INT)
          .env("PRUNEGATE_INTEROP_THREADS")
          .byDefault("0")
          .doc("engine inter-op threads (0: the engine's default)")
          .in(TABLE);

  public static final Option<Integer> LATENCY_ITERATIONS =
      Option.define("latency iterations", INT)
          .flag("--latency-iterations")
          .env("PRUNEGATE_PRUNER_LATENCY_ITERATIONS")
          .byDefault("20")
          .doc("timed batches per latency figure")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  /** What {@code submit} reads: the registry and the policy, declared above. */
  public static final OptionTable CLIENT = OptionTable.of("pruner-client");

  static {
    CLIENT.add(REGISTRY_URL);
    CLIENT.add(REGISTRY_TOKEN);
    CLIENT.add(POLICY);
  }

  private PrunerOptions() {}
}
