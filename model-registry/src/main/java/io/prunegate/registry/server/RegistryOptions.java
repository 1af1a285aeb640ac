package io.prunegate.registry.server;

import static io.prunegate.config.ValueGrammar.BOOLEAN;
import static io.prunegate.config.ValueGrammar.DURATION_TYPE;
import static io.prunegate.config.ValueGrammar.INT;
import static io.prunegate.config.ValueGrammar.LIST;
import static io.prunegate.config.ValueGrammar.PATH;
import static io.prunegate.config.ValueGrammar.SIZE_TYPE;
import static io.prunegate.config.ValueGrammar.STRING;

import io.prunegate.config.Option;
import io.prunegate.config.OptionTable;
import io.prunegate.config.Validator;
import io.prunegate.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every option of the registry, declared once: {@link #TABLE} is what {@code serve} binds, {@code
 * --help} lists and the module README shows (a test keeps that table in step); {@link #STORAGE} is
 * the subset {@code gc} reads. {@link RegistryConfig#from} turns bound values into the record the
 * server runs with.
 */
public final class RegistryOptions {

  /** The {@code serve} options, in documentation order. */
  public static final OptionTable TABLE = OptionTable.of("registry");

  /** Shortest accepted token: shorter ones are guessable. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public static final Option<String> HOST =
      Option.define("host", STRING)
          .flag("--host")
          .env("PRUNEGATE_REGISTRY_HOST")
          .byDefault("127.0.0.1")
          .doc("HTTP bind address (`0.0.0.0` in a container)")
          .in(TABLE);

  public static final Option<Integer> PORT =
      Option.define("port", INT)
          .flag("--port")
          .env("PRUNEGATE_REGISTRY_PORT")
          .byDefault("8081")
          .doc("HTTP port; `0` picks a free port (`RegistryServer.port()` tells which)")
          .validate(Validator.between(0, 65535))
          .in(TABLE);

  public static final Option<Path> DATA_DIR =
      Option.define("data dir", PATH)
          .flag("--data-dir")
          .env("PRUNEGATE_REGISTRY_DATA_DIR")
          .byDefault(".prunegate/registry")
          .doc("holds the default H2 database (`db/`) and artifacts (`artifacts/`)")
          .in(TABLE);

  public static final Option<String> DB_URL =
      Option.define("db url", STRING)
          .flag("--db-url")
          .env("PRUNEGATE_REGISTRY_DB_URL")
          .shownDefault(
              "`jdbc:h2:file:<data-dir>/db/registry;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                  + "DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000`")
          .doc(
              "JDBC URL: `jdbc:h2:...` or `jdbc:postgresql://host:5432/db`; the schema is migrated"
                  + " by Flyway on start")
          .in(TABLE);

  public static final Option<String> DB_USER =
      Option.define("db user", STRING)
          .flag("--db-user")
          .env("PRUNEGATE_REGISTRY_DB_USER")
          .byDefault("sa")
          .doc("database user")
          .in(TABLE);

  public static final Option<String> DB_PASSWORD =
      Option.define("db password", STRING)
          .flag("--db-password")
          .env("PRUNEGATE_REGISTRY_DB_PASSWORD")
          .byDefault("")
          .doc("database password (prefer the variable: flags show in `ps`)")
          .in(TABLE);

  public static final Option<Integer> DB_POOL =
      Option.define("db pool", INT)
          .flag("--db-pool")
          .env("PRUNEGATE_REGISTRY_DB_POOL")
          .byDefault("8")
          .doc("JDBC connection pool size (HikariCP)")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Path> ARTIFACT_DIR =
      Option.define("artifact dir", PATH)
          .flag("--artifact-dir")
          .env("PRUNEGATE_REGISTRY_ARTIFACT_DIR")
          .shownDefault("`<data-dir>/artifacts`")
          .doc("content-addressed blob directory")
          .in(TABLE);

  public static final Option<Long> MAX_UPLOAD =
      Option.define("max upload", SIZE_TYPE)
          .flag("--max-upload")
          .env("PRUNEGATE_REGISTRY_MAX_UPLOAD")
          .byDefault("4g")
          .doc("largest artifact upload (413 beyond)")
          .validate(Validator.positiveSize())
          .in(TABLE);

  public static final Option<Long> MAX_JSON =
      Option.define("max json", SIZE_TYPE)
          .flag("--max-json")
          .env("PRUNEGATE_REGISTRY_MAX_JSON")
          .byDefault("1m")
          .doc("largest JSON request body (413 beyond)")
          .validate(Validator.positiveSize())
          .in(TABLE);

  public static final Option<List<String>> TOKENS =
      Option.define("tokens", LIST)
          .flag("--token")
          .env("PRUNEGATE_REGISTRY_TOKENS")
          .byDefault("")
          .shownDefault("none")
          .doc(
              "bearer tokens that may write (and read), flag repeatable, variable comma-separated;"
                  + " at least 16 printable ASCII characters; `serve` refuses to start without one")
          .validate(RegistryOptions::requireTokens)
          .in(TABLE);

  public static final Option<List<String>> READ_TOKENS =
      Option.define("read tokens", LIST)
          .flag("--read-token")
          .env("PRUNEGATE_REGISTRY_READ_TOKENS")
          .byDefault("")
          .shownDefault("none")
          .doc("tokens that may only read (403 on writes); flag repeatable")
          .validate(RegistryOptions::requireTokens)
          .in(TABLE);

  public static final Option<Boolean> READS_NEED_TOKEN =
      Option.define("reads need token", BOOLEAN)
          .flag("--reads-need-token")
          .env("PRUNEGATE_REGISTRY_READS_NEED_TOKEN")
          .byDefault("false")
          .doc(
              "protect reads too (any read or write token); `/api/v1/health` and `/api/v1/metrics`"
                  + " stay open")
          .in(TABLE);

  public static final Option<Boolean> OPEN_WRITES =
      Option.define("open writes", BOOLEAN)
          .flag("--insecure-open-writes")
          .env("PRUNEGATE_REGISTRY_OPEN_WRITES")
          .byDefault("false")
          .doc("allow writes without a token (development only)")
          .in(TABLE);

  public static final Option<String> KAFKA_BOOTSTRAP =
      Option.define("kafka bootstrap", STRING)
          .flag("--kafka-bootstrap")
          .env("PRUNEGATE_KAFKA_BOOTSTRAP")
          .doc("Kafka for the outbox relay; unset = no relay, events wait in the outbox table")
          .in(TABLE);

  public static final Option<String> MODEL_EVENTS_TOPIC =
      Option.define("model-events topic", STRING)
          .flag("--topic")
          .env("PRUNEGATE_TOPIC_MODEL_EVENTS")
          .byDefault(Topics.DEFAULT_MODEL_EVENTS)
          .doc("model-events topic (`Topics`)")
          .in(TABLE);

  public static final Option<Integer> WORKERS =
      Option.define("worker threads", INT)
          .flag("--workers")
          .env("PRUNEGATE_REGISTRY_WORKERS")
          .byDefault("8")
          .doc("worker threads for JDBC, hashing and file moves")
          .validate(Validator.atLeast(1))
          .in(TABLE);

  public static final Option<Duration> GC_GRACE =
      Option.define("gc grace", DURATION_TYPE)
          .flag("--gc-grace")
          .env("PRUNEGATE_REGISTRY_GC_GRACE")
          .byDefault("1h")
          .doc("unreferenced blobs younger than this survive `POST /api/v1/admin/gc`")
          .in(TABLE);

  public static final Option<Duration> RELAY_POLL =
      Option.define("relay poll", DURATION_TYPE)
          .flag("--relay-poll")
          .env("PRUNEGATE_REGISTRY_RELAY_POLL")
          .byDefault("1s")
          .doc("how often the relay looks at the outbox when not woken by a commit")
          .in(TABLE);

  public static final Option<Integer> RELAY_BATCH =
      Option.define("relay batch", INT)
          .env("PRUNEGATE_REGISTRY_RELAY_BATCH")
          .byDefault("200")
          .doc("events sent before waiting for their acknowledgements")
          .in(TABLE);

  public static final Option<Duration> RELAY_MAX_BACKOFF =
      Option.define("relay max backoff", DURATION_TYPE)
          .env("PRUNEGATE_REGISTRY_RELAY_MAX_BACKOFF")
          .byDefault("5s")
          .doc("longest pause between relay retries while Kafka is down")
          .in(TABLE);

  /** What {@code gc} reads: where the data is, declared above. */
  public static final OptionTable STORAGE = OptionTable.of("registry-storage");

  static {
    STORAGE.add(DATA_DIR);
    STORAGE.add(DB_URL);
    STORAGE.add(DB_USER);
    STORAGE.add(DB_PASSWORD);
    STORAGE.add(ARTIFACT_DIR);
  }

  private RegistryOptions() {}

  private static void requireTokens(List<String> tokens) {
    for (String t : tokens) {
      if (t == null
          || t.length() < MIN_TOKEN_LENGTH
          || t.chars().anyMatch(c -> c <= 32 || c >= 127)) {
        throw new IllegalArgumentException(
            "must each have at least " + MIN_TOKEN_LENGTH + " printable ASCII characters");
      }
    }
  }
}
