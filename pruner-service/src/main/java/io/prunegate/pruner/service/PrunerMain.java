package io.prunegate.pruner.service;

import io.prunegate.config.ConfigBinder;
import io.prunegate.config.ConfigErrorHandler;
import io.prunegate.config.OptionValues;
import io.prunegate.config.ShutdownLatch;
import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.config.PrunerOptions;
import io.prunegate.pruner.jobs.CompressionJobs;
import io.prunegate.pruner.jobs.CompressionMethods;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.registry.Job;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.client.RegistryClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The pruner as a process: {@code serve} runs a {@link PrunerService} until SIGTERM and prints
 * {@value #READY_MARKER} once it listens; {@code submit} queues a job for a registered version;
 * {@code policy} checks a policy file (or prints the built-in one). The {@code serve} and {@code
 * submit} options are declared in {@link PrunerOptions} and registered from there; a flag wins over
 * the variable, which wins over the default (the names match {@code k8s/base/pruner.yaml}; the
 * table in {@code docs/pruner-service.md} is generated from the declarations).
 */
@Command(
    name = "prunegate-pruner",
    mixinStandardHelpOptions = true,
    description = "PruneGate pruner: compresses every newly registered model by a policy.",
    subcommands = {PrunerMain.Serve.class, PrunerMain.Submit.class, PrunerMain.Policy.class})
public final class PrunerMain implements Runnable {

  /** Printed on stdout once the service runs: {@code PRUNEGATE-PRUNER-READY <worker id>}. */
  public static final String READY_MARKER = "PRUNEGATE-PRUNER-READY";

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

  /** The pruner's command line reading {@code env}, for embedding in another CLI. */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = new CommandLine(new PrunerMain(), new EnvFactory(env));
    ConfigBinder.register(cl.getSubcommands().get("serve").getCommandSpec(), PrunerOptions.TABLE);
    ConfigBinder.register(cl.getSubcommands().get("submit").getCommandSpec(), PrunerOptions.CLIENT);
    return ConfigErrorHandler.install(cl);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code serve}: runs the service until the process is stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the pruner service.")
  static final class Serve implements Callable<Integer> {

    private final Map<String, String> env;

    // the options themselves are registered from PrunerOptions.TABLE by commandLine(...)
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    Serve(Map<String, String> env) {
      this.env = env;
    }

    /** The configuration: the flags, then the environment, then the declared defaults. */
    PrunerConfig config() {
      return PrunerConfig.from(ConfigBinder.bind(PrunerOptions.TABLE, spec, env));
    }

    @Override
    public Integer call() throws InterruptedException {
      // a refused value is printed as one line with exit code 2 by ConfigErrorHandler
      PrunerConfig config = config();
      PrunerService service = PrunerService.start(config);
      ShutdownLatch stopped = ShutdownLatch.closeOnShutdown("pruner", service::close);
      if (!service.awaitListening(Duration.ofMinutes(2))) {
        spec.commandLine().getErr().println("pruner: the model-events listener got no partitions");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(READY_MARKER + " " + config.workerId());
      out.flush();
      stopped.await();
      return 0;
    }
  }

  /** {@code submit}: queues a compression job for a registered version. */
  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Queue a compression job for a registered version; prints the job.")
  static final class Submit implements Callable<Integer> {

    private final Map<String, String> env;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(
        index = "0",
        paramLabel = "MODEL:VERSION",
        description = "The registered version to compress, e.g. support-tickets:1")
    String ref;

    @Option(
        names = "--idempotency-key",
        description = "Repeating a submit with the same key returns the same job")
    String key;

    @Option(names = "--wait", description = "Wait until the job ends, printing its progress")
    boolean await;

    Submit(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      OptionValues values;
      CompressionPolicy p;
      try {
        values = ConfigBinder.bind(PrunerOptions.CLIENT, spec, env);
        Path file = values.get(PrunerOptions.POLICY);
        p = file == null ? CompressionPolicy.defaultPolicy() : CompressionPolicy.read(file);
        CompressionMethods.builtin().validate(p);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("pruner: " + e.getMessage());
        return 2;
      }
      io.prunegate.events.ModelRef parsed;
      try {
        parsed = io.prunegate.events.ModelRef.parse(ref);
      } catch (IllegalArgumentException e) {
        parsed = null;
      }
      if (parsed == null || parsed.version() == null) {
        spec.commandLine().getErr().println("pruner: '" + ref + "' is not MODEL:VERSION");
        return 2;
      }
      RegistryClient client =
          RegistryClient.create(
              values.get(PrunerOptions.REGISTRY_URL), values.get(PrunerOptions.REGISTRY_TOKEN));
      Job job =
          client.createJob(
              CompressionJobs.submitted(parsed.name(), parsed.version(), p.toMap(), key));
      out.println("job " + job.id() + " " + job.state().wireName());
      out.flush();
      if (!await) {
        return 0;
      }
      String last = "";
      while (!job.state().isTerminal()) {
        Thread.sleep(1000);
        job = client.getJob(job.id());
        String line =
            String.format(
                java.util.Locale.ROOT,
                "%s %3.0f%% %s",
                job.state().wireName(),
                job.progress() * 100,
                job.message() == null ? "" : job.message());
        if (!line.equals(last)) {
          out.println(line);
          out.flush();
          last = line;
        }
      }
      out.println(
          job.error() != null
              ? "failed: " + job.error()
              : "finished: " + RegistryJson.writeString(RegistryJson.toTree(job.result())));
      out.flush();
      return job.error() != null ? 1 : 0;
    }
  }

  /** {@code policy}: checks a policy file and prints it as the service reads it. */
  @Command(
      name = "policy",
      mixinStandardHelpOptions = true,
      description = "Check a policy file (or show the built-in policy) and print it normalized.")
  static final class Policy implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(arity = "0..1", paramLabel = "FILE", description = "Policy JSON file")
    Path file;

    @Override
    public Integer call() {
      try {
        CompressionPolicy p =
            file == null ? CompressionPolicy.defaultPolicy() : CompressionPolicy.read(file);
        CompressionMethods.builtin().validate(p);
        spec.commandLine()
            .getOut()
            .println(
                RegistryJson.mapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(p.toJson()));
        return 0;
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("pruner: " + e.getMessage());
        return 2;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
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
      if (cls == Submit.class) {
        return cls.cast(new Submit(env));
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
