package io.prunegate.registry.server;

import io.prunegate.config.OptionValues;
import io.prunegate.events.Topics;
import io.prunegate.registry.outbox.RelaySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the registry service needs to run, with defaults for an embedded single-machine setup:
 * an H2 file database and an artifact directory under {@link #dataDir()}, HTTP on 127.0.0.1:8081,
 * and no Kafka (events wait in the outbox until a bootstrap address is configured). Built in one
 * place, {@link #from}, from the values bound for {@link RegistryOptions#TABLE}, which declares
 * every option, its default and its check (the module README's table is generated from it). The
 * compact constructor applies the same validators, so a record built in code is checked like one
 * read from flags.
 *
 * @param host HTTP bind address
 * @param port HTTP port; 0 picks a free port
 * @param dataDir where the default database and artifact directory live
 * @param jdbcUrl JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}); null for the H2
 *     file under {@code dataDir/db}
 * @param jdbcUser database user
 * @param jdbcPassword database password
 * @param dbPoolSize connection pool size
 * @param artifactDir content-addressed blob directory; null for {@code dataDir/artifacts}
 * @param maxUploadBytes largest artifact upload
 * @param maxJsonBytes largest JSON request body
 * @param writeTokens bearer tokens that may write (and read)
 * @param readTokens bearer tokens that may only read
 * @param readsNeedToken whether reads need a token (write or read token)
 * @param openWrites allow writes without a token (development only)
 * @param kafkaBootstrap Kafka bootstrap servers for the outbox relay; null or blank disables it
 * @param topics topic names ({@link Topics#modelEvents()} is used)
 * @param relay outbox relay settings
 * @param kafkaProperties extra Kafka producer properties (security, for instance)
 * @param workerThreads threads for blocking work (JDBC, hashing, file moves)
 * @param gcGrace unreferenced blobs younger than this survive garbage collection
 */
public record RegistryConfig(
    String host,
    int port,
    Path dataDir,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    int dbPoolSize,
    Path artifactDir,
    long maxUploadBytes,
    long maxJsonBytes,
    List<String> writeTokens,
    List<String> readTokens,
    boolean readsNeedToken,
    boolean openWrites,
    String kafkaBootstrap,
    Topics topics,
    RelaySettings relay,
    Map<String, String> kafkaProperties,
    int workerThreads,
    Duration gcGrace) {

  public static final int DEFAULT_PORT = RegistryOptions.PORT.defaultParsed();

  public RegistryConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    RegistryOptions.PORT.validate(port);
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      jdbcUrl = defaultJdbcUrl(dataDir);
    }
    if (artifactDir == null) {
      artifactDir = dataDir.resolve("artifacts");
    }
    jdbcUser = jdbcUser == null ? "sa" : jdbcUser;
    jdbcPassword = jdbcPassword == null ? "" : jdbcPassword;
    RegistryOptions.DB_POOL.validate(dbPoolSize);
    RegistryOptions.MAX_UPLOAD.validate(maxUploadBytes);
    RegistryOptions.MAX_JSON.validate(maxJsonBytes);
    writeTokens =
        RegistryOptions.TOKENS.validate(List.copyOf(writeTokens == null ? List.of() : writeTokens));
    readTokens =
        RegistryOptions.READ_TOKENS.validate(
            List.copyOf(readTokens == null ? List.of() : readTokens));
    kafkaBootstrap = kafkaBootstrap == null || kafkaBootstrap.isBlank() ? null : kafkaBootstrap;
    topics = topics == null ? Topics.defaults() : topics;
    relay = relay == null ? RelaySettings.defaults() : relay;
    kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
    RegistryOptions.WORKERS.validate(workerThreads);
    gcGrace = gcGrace == null ? RegistryOptions.GC_GRACE.defaultParsed() : gcGrace;
  }

  /**
   * The configuration of {@code values}. The relay's poll, batch size and longest backoff come from
   * their options; its first backoff and retention keep {@link RelaySettings#defaults()}.
   */
  public static RegistryConfig from(OptionValues values) {
    RelaySettings d = RelaySettings.defaults();
    return from(
        values,
        new RelaySettings(
            values.get(RegistryOptions.RELAY_POLL),
            values.get(RegistryOptions.RELAY_BATCH),
            d.initialBackoff(),
            values.get(RegistryOptions.RELAY_MAX_BACKOFF),
            d.publishedRetention()));
  }

  /**
   * The configuration of {@code values} with {@code relay} instead of the relay options: for
   * embedded setups and tests that tune the relay beyond what its options cover.
   */
  public static RegistryConfig from(OptionValues values, RelaySettings relay) {
    Topics d = Topics.defaults();
    return new RegistryConfig(
        values.get(RegistryOptions.HOST),
        values.get(RegistryOptions.PORT),
        values.get(RegistryOptions.DATA_DIR),
        values.get(RegistryOptions.DB_URL),
        values.get(RegistryOptions.DB_USER),
        values.get(RegistryOptions.DB_PASSWORD),
        values.get(RegistryOptions.DB_POOL),
        values.get(RegistryOptions.ARTIFACT_DIR),
        values.get(RegistryOptions.MAX_UPLOAD),
        values.get(RegistryOptions.MAX_JSON),
        values.get(RegistryOptions.TOKENS),
        values.get(RegistryOptions.READ_TOKENS),
        values.get(RegistryOptions.READS_NEED_TOKEN),
        values.get(RegistryOptions.OPEN_WRITES),
        values.get(RegistryOptions.KAFKA_BOOTSTRAP),
        new Topics(
            d.requests(),
            d.results(),
            d.deadLetter(),
            d.feedback(),
            values.get(RegistryOptions.MODEL_EVENTS_TOPIC),
            d.shadowResults()),
        relay,
        Map.of(),
        values.get(RegistryOptions.WORKERS),
        values.get(RegistryOptions.GC_GRACE));
  }

  /** {@code jdbc:h2:file:<dataDir>/db/registry} in PostgreSQL mode. */
  public static String defaultJdbcUrl(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().normalize().resolve("db").resolve("registry")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000";
  }

  /** True when the outbox relay runs (a Kafka bootstrap address is configured). */
  public boolean relayEnabled() {
    return kafkaBootstrap != null;
  }

  /** Refuses configurations that cannot serve safely: writes with no token, say. */
  public void requireServable() {
    if (writeTokens.isEmpty() && !openWrites) {
      throw new IllegalStateException(
          "no write token configured: set PRUNEGATE_REGISTRY_TOKENS (or --token), or allow"
              + " anonymous writes with PRUNEGATE_REGISTRY_OPEN_WRITES=true for development");
    }
    if (readsNeedToken && writeTokens.isEmpty() && readTokens.isEmpty()) {
      throw new IllegalStateException("reads need a token but no token is configured");
    }
  }

  @Override
  public String toString() {
    // never print tokens or passwords
    return "RegistryConfig[host="
        + host
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", jdbcUrl="
        + jdbcUrl.replaceAll("(?i)(password=)[^;&]*", "$1***")
        + ", artifactDir="
        + artifactDir
        + ", maxUploadBytes="
        + maxUploadBytes
        + ", maxJsonBytes="
        + maxJsonBytes
        + ", writeTokens="
        + writeTokens.size()
        + ", readTokens="
        + readTokens.size()
        + ", readsNeedToken="
        + readsNeedToken
        + ", openWrites="
        + openWrites
        + ", kafkaBootstrap="
        + kafkaBootstrap
        + ", topic="
        + topics.modelEvents()
        + "]";
  }
}
