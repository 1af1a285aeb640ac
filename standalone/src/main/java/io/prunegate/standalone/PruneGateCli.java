package io.prunegate.standalone;

import io.prunegate.benchmarks.model.BenchCommand;
import io.prunegate.config.ConfigErrorHandler;
import io.prunegate.experiments.service.ExperimentsMain;
import io.prunegate.gateway.cli.GatewayMain;
import io.prunegate.model.importer.ImportCommand;
import io.prunegate.pruner.cli.PruneCommand;
import io.prunegate.pruner.service.PrunerMain;
import io.prunegate.registry.cli.RegistryMain;
import io.prunegate.standalone.demo.DemoCommand;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code prunegate} command: every service and tool of PruneGate under one entry point. {@code
 * demo} runs the whole system in one JVM; {@code serve}, {@code registry serve}, {@code pruner
 * serve} and {@code experiments serve} run one service each against an external Kafka and registry
 * (the same code a cluster runs); {@code prune}, {@code import}, {@code bench} and {@code engine}
 * are tools.
 */
@Command(
    name = "prunegate",
    mixinStandardHelpOptions = true,
    version = "PruneGate 0.1.0",
    description = "Streaming text classification with automatically compressed models.",
    subcommands = {
      DemoCommand.class,
      PruneCommand.class,
      ImportCommand.class,
      BenchCommand.class,
      EngineCommand.class
    })
public final class PruneGateCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The full command line: this command plus the services' own command lines. */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new PruneGateCli());
    // The gateway's serve command is taken whole: its options are registered from its table.
    cli.addSubcommand("serve", GatewayMain.commandLine(env).getSubcommands().get("serve"));
    CommandLine registry = RegistryMain.commandLine(env);
    cli.addSubcommand("registry", registry);
    cli.addSubcommand("pruner", PrunerMain.commandLine(env));
    cli.addSubcommand("experiments", ExperimentsMain.commandLine(env));
    return ConfigErrorHandler.install(cli);
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }
}
