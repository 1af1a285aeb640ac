package io.prunegate.registry.cli;

import io.prunegate.config.ValueGrammar;
import io.prunegate.events.Topics;
import io.prunegate.registry.artifacts.ArtifactStore;
import io.prunegate.registry.artifacts.BlobCollector;
import io.prunegate.registry.outbox.RelaySettings;
import io.prunegate.registry.server.RegistryConfig;
import io.prunegate.registry.server.RegistryServer;
import io.prunegate.registry.store.CatalogStore;
import io.prunegate.registry.store.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command line of the registry: {@code serve} runs the service until SIGTERM/SIGINT, {@code gc}
 * deletes unreferenced artifact blobs. Every option has an environment variable; a flag wins over
 * the variable, which wins over the default (see the module README).
 */
@Command(
    name = "prunegate-registry",
    mixinStandardHelpOptions = true,
    description = "PruneGate model registry.",
    subcommands = {RegistryMain.Serve.class, RegistryMain.Gc.class})
public final class RegistryMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), new PrintWriter(System.out, true)));
  }

  /** Runs the command line with {@code env} as the environment; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintWriter out) {
    CommandLine cl = commandLine(env);
    cl.setOut(out);
    return cl.execute(args);
  }

  /** The registry's command line reading {@code env}, for embedding in another CLI. */
  public static CommandLine commandLine(Map<String, String> env) {
    return new CommandLine(new RegistryMain(), new EnvFactory(env));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The configuration {@code serve} would run with for these arguments; starts nothing. */
  static RegistryConfig serveConfig(String[] args, Map<String, String> env) {
    Serve serve = new Serve(env);
    new CommandLine(serve).parseArgs(args);
    return serve.config();
  }

  /** Options shared by every command: where the data is. */
  static final class StorageOptions {
    @Option(
        names = "--data-dir",
        description =
            "Data directory (default .prunegate/registry; env PRUNEGATE_REGISTRY_DATA_DIR)")
    Path dataDir;

    @Option(
        names = "--db-url",
        description =
            "JDBC URL, jdbc:h2:... or jdbc:postgresql:... (default: H2 file under the data"
                + " directory; env PRUNEGATE_REGISTRY_DB_URL)")
    String dbUrl;

    @Option(names = "--db-user", description = "Database user (env PRUNEGATE_REGISTRY_DB_USER)")
    String dbUser;

    @Option(
        names = "--db-password",
        description = "Database password (prefer env PRUNEGATE_REGISTRY_DB_PASSWORD)")
    String dbPassword;

    @Option(
        names = "--artifact-dir",
        description =
            "Artifact blob directory (default <data-dir>/artifacts; env"
                + " PRUNEGATE_REGISTRY_ARTIFACT_DIR)")
    Path artifactDir;

    RegistryConfig.Builder apply(RegistryConfig.Builder b) {
      if (dataDir != null) {
        b.dataDir(dataDir);
      }
      if (dbUrl != null) {
        b.jdbcUrl(dbUrl);
      }
      if (dbUser != null) {
        b.jdbcUser(dbUser);
      }
      if (dbPassword != null) {
        b.jdbcPassword(dbPassword);
      }
      if (artifactDir != null) {
        b.artifactDir(artifactDir);
      }
      return b;
    }
  }

  /** {@code serve}: runs the registry until the process is stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the registry.")
  static final class Serve implements Runnable {

    private final Map<String, String> env;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin StorageOptions storage = new StorageOptions();

    @Option(
        names = "--host",
        description = "Bind address (default 127.0.0.1; env PRUNEGATE_REGISTRY_HOST)")
    String host;

    @Option(
        names = "--port",
        description = "HTTP port, 0 = any free (default 8081; env PRUNEGATE_REGISTRY_PORT)")
    Integer port;

    @Option(
        names = "--token",
        description =
            "Write token (repeatable; env PRUNEGATE_REGISTRY_TOKENS, comma-separated). Prefer the"
                + " environment: flags are visible in the process list")
    List<String> tokens;

    @Option(
        names = "--read-token",
        description = "Read-only token (repeatable; env PRUNEGATE_REGISTRY_READ_TOKENS)")
    List<String> readTokens;

    @Option(
        names = "--reads-need-token",
        description = "Protect reads too (env PRUNEGATE_REGISTRY_READS_NEED_TOKEN)")
    Boolean readsNeedToken;

    @Option(
        names = "--insecure-open-writes",
        description =
            "Allow writes without a token; development only (env PRUNEGATE_REGISTRY_OPEN_WRITES)")
    Boolean openWrites;

    @Option(
        names = "--max-upload",
        description =
            "Largest artifact upload, e.g. 4g (default 4g; env PRUNEGATE_REGISTRY_MAX_UPLOAD)")
    String maxUpload;

    @Option(
        names = "--max-json",
        description = "Largest JSON body, e.g. 1m (default 1m; env PRUNEGATE_REGISTRY_MAX_JSON)")
    String maxJson;

    @Option(
        names = "--kafka-bootstrap",
        description =
            "Kafka bootstrap servers; unset = events wait in the outbox (env PRUNEGATE_KAFKA_BOOTSTRAP)")
    String kafkaBootstrap;

    @Option(
        names = "--topic",
        description =
            "Model-events topic (default prunegate.model-events; env PRUNEGATE_TOPIC_MODEL_EVENTS)")
    String topic;

    @Option(
        names = "--db-pool",
        description = "Connection pool size (default 8; env PRUNEGATE_REGISTRY_DB_POOL)")
    Integer dbPool;

    @Option(
        names = "--workers",
        description = "Worker threads (default 8; env PRUNEGATE_REGISTRY_WORKERS)")
    Integer workers;

    @Option(
        names = "--gc-grace",
        description =
            "Grace period of the gc endpoint, e.g. 1h (default 1h; env PRUNEGATE_REGISTRY_GC_GRACE)")
    String gcGrace;

    @Option(
        names = "--relay-poll",
        description =
            "Outbox poll interval, e.g. 1s (default 1s; env PRUNEGATE_REGISTRY_RELAY_POLL)")
    String relayPoll;

    Serve(Map<String, String> env) {
      this.env = env;
    }

    /** The configuration: defaults, then the environment, then the flags. */
    RegistryConfig config() {
      RegistryConfig.Builder b = storage.apply(RegistryConfig.fromEnvironment(env));
      if (host != null) {
        b.host(host);
      }
      if (port != null) {
        b.port(port);
      }
      if (tokens != null) {
        b.writeTokens(tokens);
      }
      if (readTokens != null) {
        b.readTokens(readTokens);
      }
      if (readsNeedToken != null) {
        b.readsNeedToken(readsNeedToken);
      }
      if (openWrites != null) {
        b.openWrites(openWrites);
      }
      if (maxUpload != null) {
        b.maxUploadBytes(ValueGrammar.bytes(maxUpload));
      }
      if (maxJson != null) {
        b.maxJsonBytes(ValueGrammar.bytes(maxJson));
      }
      if (kafkaBootstrap != null) {
        b.kafkaBootstrap(kafkaBootstrap);
      }
      if (dbPool != null) {
        b.dbPoolSize(dbPool);
      }
      if (workers != null) {
        b.workerThreads(workers);
      }
      if (gcGrace != null) {
        b.gcGrace(ValueGrammar.duration(gcGrace));
      }
      RegistryConfig base = b.build();
      if (topic != null) {
        Topics t = base.topics();
        b.topics(new Topics(t.requests(), t.results(), t.deadLetter(), t.feedback(), topic));
      }
      if (relayPoll != null) {
        RelaySettings r = base.relay();
        b.relay(
            new RelaySettings(
                ValueGrammar.duration(relayPoll),
                r.batchSize(),
                r.initialBackoff(),
                r.maxBackoff(),
                r.publishedRetention()));
      }
      return b.build();
    }

    @Override
    public void run() {
      RegistryConfig config = config();
      RegistryServer server = RegistryServer.start(config);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stopped.countDown();
                  },
                  "registry-shutdown"));
      spec.commandLine().getOut().println("registry listening on " + server.baseUrl());
      spec.commandLine().getOut().flush();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code gc}: deletes artifact blobs that no version refers to. */
  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description = {
        "Delete artifact blobs no version refers to, older than the grace period, and stale temp"
            + " files.",
        "With the default H2 database, stop the server first (H2 locks its file) or use"
            + " POST /api/v1/admin/gc on the running server."
      })
  static final class Gc implements java.util.concurrent.Callable<Integer> {

    private final Map<String, String> env;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin StorageOptions storage = new StorageOptions();

    @Option(
        names = "--grace",
        description = "Keep unreferenced blobs younger than this, e.g. 1h (default 1h)")
    String grace;

    @Option(names = "--dry-run", description = "Only report what would be deleted")
    boolean dryRun;

    Gc(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      RegistryConfig config = storage.apply(RegistryConfig.fromEnvironment(env)).build();
      java.time.Duration g = grace == null ? config.gcGrace() : ValueGrammar.duration(grace);
      try (Database db =
          Database.open(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(), 2)) {
        ArtifactStore artifacts = new ArtifactStore(config.artifactDir());
        CatalogStore catalog = new CatalogStore(db, artifacts);
        BlobCollector.Report r =
            new BlobCollector(artifacts, catalog::referencedBlobs, db.clock()).collect(g, dryRun);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
            "%s: scanned=%d referenced=%d deleted=%d bytes_freed=%d kept_recent=%d"
                + " temp_deleted=%d%n",
            dryRun ? "gc dry run" : "gc",
            r.blobsScanned(),
            r.blobsReferenced(),
            r.blobsDeleted(),
            r.bytesFreed(),
            r.blobsKeptRecent(),
            r.tempFilesDeleted());
        out.flush();
      }
      return 0;
    }
  }

  /** Creates the subcommands with the environment they read. */
  private static final class EnvFactory implements CommandLine.IFactory {
    private final Map<String, String> env;

    EnvFactory(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == Serve.class) {
        return cls.cast(new Serve(env));
      }
      if (cls == Gc.class) {
        return cls.cast(new Gc(env));
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
