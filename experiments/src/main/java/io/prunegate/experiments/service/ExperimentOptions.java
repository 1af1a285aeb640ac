package io.prunegate.experiments.service;

import static io.prunegate.config.ValueGrammar.DURATION_TYPE;
import static io.prunegate.config.ValueGrammar.INT;
import static io.prunegate.config.ValueGrammar.NEGATABLE_BOOLEAN;
import static io.prunegate.config.ValueGrammar.PATH;
import static io.prunegate.config.ValueGrammar.STRING;

import io.prunegate.config.Option;
import io.prunegate.config.OptionTable;
import io.prunegate.config.Validator;
import io.prunegate.events.Topics;
import io.prunegate.experiments.join.JoinSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every option of the experiments service, declared once: {@link #TABLE} is what {@code experiments
 * serve} binds, {@code --help} lists and {@code experiments/README.md} shows (a test keeps that
 * table in step). {@link ExperimentConfig#from} turns the bound values into the typed record the
 * service runs with.
 */
public final class ExperimentOptions {

  /** The {@code serve} options, in documentation order. */
  public static final OptionTable TABLE = OptionTable.of("experiments");

  public static final Option<String> KAFKA_BOOTSTRAP =
      Option.define("kafka bootstrap", STRING)
          .flag("--kafka-bootstrap")
          .env("PRUNEGATE_KAFKA_BOOTSTRAP")
          .byDefault("127.0.0.1:9092")
          .doc("Kafka bootstrap servers")
          .in(TABLE);

  public static final Option<String> REGISTRY_URL =
      Option.define("registry URL", STRING)
          .flag("--registry-url")
          .env("PRUNEGATE_REGISTRY_URL")
          .byDefault("http://127.0.0.1:8081")
          .doc("registry base URL (verdicts move aliases and tag versions there)")
          .in(TABLE);

  public static final Option<String> REGISTRY_TOKEN =
      Option.define("registry token", STRING)
          .flag("--registry-token")
          .env("PRUNEGATE_REGISTRY_TOKEN")
          .doc("registry write token (prefer the variable: flags show in `ps`)")
          .in(TABLE);

  public static final Option<Path> POLICY =
      Option.define("policy", PATH)
          .flag("--policy")
          .env("PRUNEGATE_EXPERIMENTS_POLICY")
          .shownDefault("built-in policy")
          .doc(
              "decision policy JSON file (checked at start-up: an invalid policy stops the service"
                  + " with the field's name)")
          .in(TABLE);

  public static final Option<Boolean> ACT =
      Option.define("act", NEGATABLE_BOOLEAN)
          .flag("--act")
          .env("PRUNEGATE_EXPERIMENTS_ACT")
          .byDefault("true")
          .doc(
              "act on final verdicts (promote, roll back); `--no-act` only judges and reports, for"
                  + " a dry run beside a manual process")
          .in(TABLE);

  public static final Option<Duration> JUDGE_INTERVAL =
      Option.define("judge interval", DURATION_TYPE)
          .flag("--judge-interval")
          .env("PRUNEGATE_EXPERIMENTS_JUDGE_INTERVAL")
          .byDefault("1s")
          .doc(
              "how often every open experiment is judged (the confidence sequence stays"
                  + " valid however often it is looked at)")
          .validate(Validator.atLeast(Duration.ofMillis(10)))
          .in(TABLE);

  public static final Option<Duration> LABEL_DELAY =
      Option.define("label delay", DURATION_TYPE)
          .flag("--label-delay")
          .env("PRUNEGATE_EXPERIMENTS_LABEL_DELAY")
          .byDefault("7d")
          .doc("how long after an answer (or a label) the other may arrive and still be joined")
          .validate(Validator.positiveDuration())
          .in(TABLE);

  public static final Option<String> APPLICATION_ID =
      Option.define("application id", STRING)
          .flag("--application-id")
          .env("PRUNEGATE_EXPERIMENTS_APPLICATION_ID")
          .byDefault(JoinSettings.DEFAULT_APPLICATION_ID)
          .doc(
              "Kafka Streams application id: names the consumer group, the internal topics and the"
                  + " state directory; replicas share it")
          .in(TABLE);

  public static final Option<Path> STATE_DIR =
      Option.define("state dir", PATH)
          .flag("--state-dir")
          .env("PRUNEGATE_EXPERIMENTS_STATE_DIR")
          .byDefault(".prunegate/experiments")
          .doc("local state stores (rebuilt from their changelog topics when lost)")
          .in(TABLE);

  public static final Option<String> HOST =
      Option.define("host", STRING)
          .flag("--host")
          .env("PRUNEGATE_EXPERIMENTS_HOST")
          .byDefault("127.0.0.1")
          .doc(
              "HTTP bind address of `/metrics`, `/health` and `/experiments` (`0.0.0.0` in a container)")
          .in(TABLE);

  public static final Option<Integer> HTTP_PORT =
      Option.define("http port", INT)
          .flag("--http-port")
          .env("PRUNEGATE_EXPERIMENTS_HTTP_PORT")
          .byDefault("8082")
          .doc("port; `0`: any free port; `-1`: no HTTP")
          .validate(Validator.between(-1, 65535))
          .in(TABLE);

  public static final Option<String> TOPIC_RESULTS =
      Option.define("results topic", STRING)
          .flag("--topic-results")
          .env("PRUNEGATE_TOPIC_RESULTS")
          .byDefault(Topics.DEFAULT_RESULTS)
          .doc("results topic (the gateway's answers)")
          .in(TABLE);

  public static final Option<String> TOPIC_SHADOW_RESULTS =
      Option.define("shadow-results topic", STRING)
          .flag("--topic-shadow-results")
          .env("PRUNEGATE_TOPIC_SHADOW_RESULTS")
          .byDefault(Topics.DEFAULT_SHADOW_RESULTS)
          .doc("shadow answers topic")
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
          .doc("model-events topic (alias moves start and end experiments)")
          .in(TABLE);

  /**
   * What the manual commands read: {@code list} and {@code show} ask a running service ({@link
   * #SERVICE_URL}), {@code decide} and {@code stop} act through the registry.
   */
  public static final OptionTable CLIENT = OptionTable.of("experiments-client");

  public static final Option<String> SERVICE_URL =
      Option.define("service URL", STRING)
          .flag("--url")
          .env("PRUNEGATE_EXPERIMENTS_URL")
          .byDefault("http://127.0.0.1:8082")
          .doc("a running experiments service (`list`, `show`)")
          .in(CLIENT);

  static {
    CLIENT.add(REGISTRY_URL);
    CLIENT.add(REGISTRY_TOKEN);
  }

  private ExperimentOptions() {}
}
