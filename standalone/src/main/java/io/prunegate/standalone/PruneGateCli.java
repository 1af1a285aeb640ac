package io.prunegate.standalone;

import io.prunegate.model.cli.BenchCommand;
import io.prunegate.model.cli.EngineCommand;
import io.prunegate.model.cli.ImportCommand;
import io.prunegate.pruner.service.PrunerMain;
import io.prunegate.registry.cli.RegistryMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code prunegate} command: every service and tool of PruneGate under one entry point. */
@Command(
    name = "prunegate",
    mixinStandardHelpOptions = true,
    version = "PruneGate 0.1.0",
    description = "Streaming text classification with automatically compressed models.",
    subcommands = {ImportCommand.class, BenchCommand.class, EngineCommand.class})
public final class PruneGateCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new PruneGateCli());
    CommandLine registry = RegistryMain.commandLine(System.getenv());
    registry.getCommandSpec().name("registry");
    cli.addSubcommand(registry);
    CommandLine pruner = PrunerMain.commandLine(System.getenv());
    pruner.getCommandSpec().name("pruner");
    cli.addSubcommand(pruner);
    System.exit(cli.execute(args));
  }
}
