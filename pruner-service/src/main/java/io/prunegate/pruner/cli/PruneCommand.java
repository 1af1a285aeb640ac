package io.prunegate.pruner.cli;

import picocli.CommandLine.Command;

/**
 * {@code prune}: the parent of the compression commands ({@code chip}, {@code finercut}, {@code
 * llm-pruner}). It only groups them: each subcommand reads its model and data, runs its method and
 * writes variant bundles.
 */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description = "Compress a model for a task and write variant bundles.",
    subcommands = {ChipCommand.class, FinerCutCommand.class, LlmPrunerCommand.class})
public final class PruneCommand {}
