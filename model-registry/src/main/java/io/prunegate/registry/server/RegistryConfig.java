package io.prunegate.registry.server;

import io.prunegate.config.ValueGrammar;
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
 * and no Kafka (events wait in the outbox until a bootstrap address is configured). Build one with
 * {@link #builder()} or {@link #fromEnvironment(Map)}; every option is documented in the module
 * README.
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

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8081;
  public static final Path DEFAULT_DATA_DIR = Path.of(".prunegate", "registry");
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 4L << 30;
  public static final long DEFAULT_MAX_JSON_BYTES = 1L << 20;

  /** Shortest accepted token: shorter ones are guessable. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public RegistryConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      jdbcUrl = defaultJdbcUrl(dataDir);
    }
    if (artifactDir == null) {
      artifactDir = dataDir.resolve("artifacts");
    }
    jdbcUser = jdbcUser == null ? "sa" : jdbcUser;
    jdbcPassword = jdbcPassword == null ? "" : jdbcPassword;
    if (dbPoolSize < 1) {
      throw new IllegalArgumentException("dbPoolSize must be >= 1, was " + dbPoolSize);
    }
    if (maxUploadBytes < 1 || maxJsonBytes < 1) {
      throw new IllegalArgumentException("size limits must be positive");
    }
    writeTokens = List.copyOf(writeTokens == null ? List.of() : writeTokens);
    readTokens = List.copyOf(readTokens == null ? List.of() : readTokens);
    for (String t : writeTokens) {
      requireToken(t);
    }
    for (String t : readTokens) {
      requireToken(t);
    }
    kafkaBootstrap = kafkaBootstrap == null || kafkaBootstrap.isBlank() ? null : kafkaBootstrap;
    topics = topics == null ? Topics.defaults() : topics;
    relay = relay == null ? RelaySettings.defaults() : relay;
    kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
    if (workerThreads < 1) {
      throw new IllegalArgumentException("workerThreads must be >= 1, was " + workerThreads);
    }
    gcGrace = gcGrace == null ? Duration.ofHours(1) : gcGrace;
  }

  /** {@code jdbc:h2:file:<dataDir>/db/registry} in PostgreSQL mode. */
  public static String defaultJdbcUrl(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().normalize().resolve("db").resolve("registry")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000";
  }

  private static void requireToken(String t) {
    if (t == null
        || t.length() < MIN_TOKEN_LENGTH
        || t.chars().anyMatch(c -> c <= 32 || c >= 127)) {
      throw new IllegalArgumentException(
          "a token must have at least " + MIN_TOKEN_LENGTH + " printable ASCII characters");
    }
  }

  /** The defaults (see the class comment). */
  public static RegistryConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The defaults overridden by the {@code PRUNEGATE_REGISTRY_*}, {@code PRUNEGATE_KAFKA_BOOTSTRAP}
   * and {@code PRUNEGATE_TOPIC_*} entries of {@code env}.
   */
  public static Builder fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    b.topics(Topics.fromEnvironment(env));
    String v;
    if ((v = env.get("PRUNEGATE_REGISTRY_HOST")) != null) {
      b.host(v);
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_PORT")) != null) {
      b.port(Integer.parseInt(v.trim()));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_DATA_DIR")) != null) {
      b.dataDir(Path.of(v));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_DB_URL")) != null) {
      b.jdbcUrl(v);
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_DB_USER")) != null) {
      b.jdbcUser(v);
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_DB_PASSWORD")) != null) {
      b.jdbcPassword(v);
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_DB_POOL")) != null) {
      b.dbPoolSize(Integer.parseInt(v.trim()));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_ARTIFACT_DIR")) != null) {
      b.artifactDir(Path.of(v));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_MAX_UPLOAD")) != null) {
      b.maxUploadBytes(ValueGrammar.bytes(v));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_MAX_JSON")) != null) {
      b.maxJsonBytes(ValueGrammar.bytes(v));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_TOKENS")) != null) {
      b.writeTokens(ValueGrammar.list(v));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_READ_TOKENS")) != null) {
      b.readTokens(ValueGrammar.list(v));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_READS_NEED_TOKEN")) != null) {
      b.readsNeedToken(ValueGrammar.bool(v));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_OPEN_WRITES")) != null) {
      b.openWrites(ValueGrammar.bool(v));
    }
    if ((v = env.get("PRUNEGATE_KAFKA_BOOTSTRAP")) != null) {
      b.kafkaBootstrap(v);
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_WORKERS")) != null) {
      b.workerThreads(Integer.parseInt(v.trim()));
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_GC_GRACE")) != null) {
      b.gcGrace(ValueGrammar.duration(v));
    }
    RelaySettings r = RelaySettings.defaults();
    if ((v = env.get("PRUNEGATE_REGISTRY_RELAY_POLL")) != null) {
      r =
          new RelaySettings(
              ValueGrammar.duration(v),
              r.batchSize(),
              r.initialBackoff(),
              r.maxBackoff(),
              r.publishedRetention());
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_RELAY_BATCH")) != null) {
      r =
          new RelaySettings(
              r.pollInterval(),
              Integer.parseInt(v.trim()),
              r.initialBackoff(),
              r.maxBackoff(),
              r.publishedRetention());
    }
    if ((v = env.get("PRUNEGATE_REGISTRY_RELAY_MAX_BACKOFF")) != null) {
      r =
          new RelaySettings(
              r.pollInterval(),
              r.batchSize(),
              r.initialBackoff(),
              ValueGrammar.duration(v),
              r.publishedRetention());
    }
    b.relay(r);
    return b;
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.dataDir = dataDir;
    b.jdbcUrl = jdbcUrl;
    b.jdbcUser = jdbcUser;
    b.jdbcPassword = jdbcPassword;
    b.dbPoolSize = dbPoolSize;
    b.artifactDir = artifactDir;
    b.maxUploadBytes = maxUploadBytes;
    b.maxJsonBytes = maxJsonBytes;
    b.writeTokens = writeTokens;
    b.readTokens = readTokens;
    b.readsNeedToken = readsNeedToken;
    b.openWrites = openWrites;
    b.kafkaBootstrap = kafkaBootstrap;
    b.topics = topics;
    b.relay = relay;
    b.kafkaProperties = kafkaProperties;
    b.workerThreads = workerThreads;
    b.gcGrace = gcGrace;
    return b;
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

  /** Builds a {@link RegistryConfig}; unset values take the defaults. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Path dataDir = DEFAULT_DATA_DIR;
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private int dbPoolSize = 8;
    private Path artifactDir;
    private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
    private long maxJsonBytes = DEFAULT_MAX_JSON_BYTES;
    private List<String> writeTokens = List.of();
    private List<String> readTokens = List.of();
    private boolean readsNeedToken;
    private boolean openWrites;
    private String kafkaBootstrap;
    private Topics topics = Topics.defaults();
    private RelaySettings relay = RelaySettings.defaults();
    private Map<String, String> kafkaProperties = Map.of();
    private int workerThreads = 8;
    private Duration gcGrace = Duration.ofHours(1);

    private Builder() {}

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    /** Also moves the default database and artifact directory, unless those were set. */
    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder jdbcUrl(String v) {
      jdbcUrl = v;
      return this;
    }

    public Builder jdbcUser(String v) {
      jdbcUser = v;
      return this;
    }

    public Builder jdbcPassword(String v) {
      jdbcPassword = v;
      return this;
    }

    public Builder dbPoolSize(int v) {
      dbPoolSize = v;
      return this;
    }

    public Builder artifactDir(Path v) {
      artifactDir = v;
      return this;
    }

    public Builder maxUploadBytes(long v) {
      maxUploadBytes = v;
      return this;
    }

    public Builder maxJsonBytes(long v) {
      maxJsonBytes = v;
      return this;
    }

    public Builder writeTokens(List<String> v) {
      writeTokens = v;
      return this;
    }

    public Builder readTokens(List<String> v) {
      readTokens = v;
      return this;
    }

    public Builder readsNeedToken(boolean v) {
      readsNeedToken = v;
      return this;
    }

    public Builder openWrites(boolean v) {
      openWrites = v;
      return this;
    }

    public Builder kafkaBootstrap(String v) {
      kafkaBootstrap = v;
      return this;
    }

    public Builder topics(Topics v) {
      topics = v;
      return this;
    }

    public Builder relay(RelaySettings v) {
      relay = v;
      return this;
    }

    public Builder kafkaProperties(Map<String, String> v) {
      kafkaProperties = v;
      return this;
    }

    public Builder workerThreads(int v) {
      workerThreads = v;
      return this;
    }

    public Builder gcGrace(Duration v) {
      gcGrace = v;
      return this;
    }

    public RegistryConfig build() {
      return new RegistryConfig(
          host,
          port,
          dataDir,
          jdbcUrl,
          jdbcUser,
          jdbcPassword,
          dbPoolSize,
          artifactDir,
          maxUploadBytes,
          maxJsonBytes,
          writeTokens,
          readTokens,
          readsNeedToken,
          openWrites,
          kafkaBootstrap,
          topics,
          relay,
          kafkaProperties,
          workerThreads,
          gcGrace);
    }
  }
}
