package io.prunegate.registry.cli;

import io.prunegate.config.ConfigBinder;
import io.prunegate.config.ConfigErrorHandler;
import io.prunegate.config.ShutdownLatch;
import io.prunegate.config.ValueGrammar;
import io.prunegate.registry.artifacts.ArtifactStore;
import io.prunegate.registry.artifacts.BlobCollector;
import io.prunegate.registry.server.RegistryConfig;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import io.prunegate.registry.store.CatalogStore;
import io.prunegate.registry.store.Database;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of the registry: {@code serve} runs the service until SIGTERM/SIGINT, {@code gc}
 * deletes unreferenced artifact blobs. The options are declared in {@link RegistryOptions} and
 * registered from there; a flag wins over the variable, which wins over the default (the module
 * README's table is generated from the declarations).
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
    CommandLine cl = new CommandLine(new RegistryMain(), new EnvFactory(env));
    ConfigBinder.register(cl.getSubcommands().get("serve").getCommandSpec(), RegistryOptions.TABLE);
    ConfigBinder.register(cl.getSubcommands().get("gc").getCommandSpec(), RegistryOptions.STORAGE);
    return ConfigErrorHandler.install(cl);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The configuration {@code serve} would run with for these arguments; starts nothing. */
  static RegistryConfig serveConfig(String[] args, Map<String, String> env) {
    String[] line = new String[args.length + 1];
    line[0] = "serve";
    System.arraycopy(args, 0, line, 1, args.length);
    CommandLine.ParseResult parsed = commandLine(env).parseArgs(line);
    return ((Serve) parsed.subcommand().commandSpec().userObject()).config();
  }

  /** {@code serve}: runs the registry until the process is stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the registry.")
  static final class Serve implements Runnable {

    private final Map<String, String> env;

    // the options themselves are registered from RegistryOptions.TABLE by commandLine(...)
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    Serve(Map<String, String> env) {
      this.env = env;
    }

    /** The configuration: the flags, then the environment, then the declared defaults. */
    RegistryConfig config() {
      return RegistryConfig.from(ConfigBinder.bind(RegistryOptions.TABLE, spec, env));
    }

    @Override
    public void run() {
      RegistryConfig config = config();
      RegistryServer server = RegistryServer.start(config);
      ShutdownLatch stopped = ShutdownLatch.closeOnShutdown("registry", server::close);
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
      // gc takes only the storage flags, but the whole table binds from the environment
      RegistryConfig config =
          RegistryConfig.from(
              ConfigBinder.bind(
                  RegistryOptions.TABLE, ConfigBinder.flags(RegistryOptions.STORAGE, spec), env));
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
