package io.prunegate.experiments.service;

import io.prunegate.config.ConfigBinder;
import io.prunegate.config.ConfigErrorHandler;
import io.prunegate.config.ShutdownLatch;
import io.prunegate.experiments.policy.DecisionPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The experiments service as a process: {@code serve} runs an {@link ExperimentService} until
 * SIGTERM and prints {@value #READY_MARKER} once the join runs; {@code policy} checks a decision
 * policy file (or prints the built-in one); {@code list}, {@code show}, {@code decide} and {@code
 * stop} are the manual override ({@link ManualCommands}). The {@code serve} options are declared in
 * {@link ExperimentOptions} and registered from there; a flag wins over the variable, which wins
 * over the default.
 */
@Command(
    name = "prunegate-experiments",
    mixinStandardHelpOptions = true,
    description =
        "PruneGate experiments: a verdict on every challenger and shadow from live labels, acted"
            + " on through the registry.",
    subcommands = {
      ExperimentsMain.Serve.class,
      ExperimentsMain.Policy.class,
      ManualCommands.ListCommand.class,
      ManualCommands.ShowCommand.class,
      ManualCommands.DecideCommand.class,
      ManualCommands.StopCommand.class
    })
public final class ExperimentsMain implements Runnable {

  /** Printed on stdout once the join runs: {@code PRUNEGATE-EXPERIMENTS-READY <application id>}. */
  public static final String READY_MARKER = "PRUNEGATE-EXPERIMENTS-READY";

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

  /** The experiments command line reading {@code env}, for embedding in another CLI. */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = new CommandLine(new ExperimentsMain(), new EnvFactory(env));
    ConfigBinder.register(
        cl.getSubcommands().get("serve").getCommandSpec(), ExperimentOptions.TABLE);
    for (String manual : new String[] {"list", "show", "decide", "stop"}) {
      ConfigBinder.register(
          cl.getSubcommands().get(manual).getCommandSpec(), ExperimentOptions.CLIENT);
    }
    return ConfigErrorHandler.install(cl);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code serve}: runs the service until the process is stopped. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Run the experiments service.")
  static final class Serve implements Callable<Integer> {

    private final Map<String, String> env;

    // the options themselves are registered from ExperimentOptions.TABLE by commandLine(...)
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    Serve(Map<String, String> env) {
      this.env = env;
    }

    /** The configuration: the flags, then the environment, then the declared defaults. */
    ExperimentConfig config() {
      return ExperimentConfig.from(ConfigBinder.bind(ExperimentOptions.TABLE, spec, env));
    }

    @Override
    public Integer call() throws InterruptedException {
      // a refused value is printed as one line with exit code 2 by ConfigErrorHandler
      ExperimentConfig config = config();
      ExperimentService service = ExperimentService.start(config);
      ShutdownLatch stopped = ShutdownLatch.closeOnShutdown("experiments", service::close);
      if (!service.awaitRunning(Duration.ofMinutes(2))) {
        spec.commandLine()
            .getErr()
            .println("experiments: the join is not running yet (state " + service.state() + ")");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(READY_MARKER + " " + config.join().applicationId());
      out.flush();
      stopped.await();
      return 0;
    }
  }

  /** {@code policy}: checks a decision policy file and prints it as the service reads it. */
  @Command(
      name = "policy",
      mixinStandardHelpOptions = true,
      description = "Check a decision policy file (or show the built-in one) and print it in full.")
  static final class Policy implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(arity = "0..1", paramLabel = "FILE", description = "Policy JSON file")
    Path file;

    @Override
    public Integer call() {
      // a refused policy is printed as one line naming the field, exit code 2 (ConfigErrorHandler)
      DecisionPolicy p = file == null ? DecisionPolicy.defaultPolicy() : DecisionPolicy.read(file);
      spec.commandLine().getOut().print(p.toJson());
      spec.commandLine().getOut().flush();
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
      if (cls == ManualCommands.ListCommand.class) {
        return cls.cast(new ManualCommands.ListCommand(env));
      }
      if (cls == ManualCommands.ShowCommand.class) {
        return cls.cast(new ManualCommands.ShowCommand(env));
      }
      if (cls == ManualCommands.DecideCommand.class) {
        return cls.cast(new ManualCommands.DecideCommand(env));
      }
      if (cls == ManualCommands.StopCommand.class) {
        return cls.cast(new ManualCommands.StopCommand(env));
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
