package io.prunegate.benchmarks.model;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bench}: the runtime's benchmarks (forward vs ONNX Runtime, early exit, native memory). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runtime benchmarks on the default model bge-small-en-v1.5:",
      "  forward     ours vs ONNX Runtime on the same padded batches (batch 1/32, 64/128 tokens)",
      "  early-exit  time of the full forward / the forward stopped after half the layers",
      "  memory      RSS across many forward batches (in a child JVM with a fixed heap)"
    })
public final class BenchCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "forward | early-exit | memory")
  String which;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "Engine threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--iterations",
      defaultValue = "20",
      description = "Measured iterations per shape (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(
      names = "--batches",
      defaultValue = "5000",
      description = "Batches for the memory check (default: ${DEFAULT-VALUE}).")
  int batches;

  @Option(
      names = "--full-batches",
      description = "Forward benchmark: rows fill every position (no padding).")
  boolean fullBatches;

  @Override
  public Integer call() {
    java.io.PrintStream out = System.out;
    switch (which) {
      case "forward" ->
          ForwardBenchmark.run(
              new ForwardBenchmark.Settings(
                  threads,
                  iterations,
                  3,
                  List.of(
                      new int[] {1, 64},
                      new int[] {1, 128},
                      new int[] {32, 64},
                      new int[] {32, 128}),
                  fullBatches),
              out);
      case "early-exit" -> EarlyExitBenchmark.run(threads, iterations, 32, 64, out);
      case "memory" -> {
        double growth = NativeMemoryCheck.runInChildJvm(batches, Math.min(500, batches / 5), out);
        out.printf("native memory growth after warm-up: %.1f MB (target < 50)%n", growth);
      }
      default ->
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(), "unknown benchmark '" + which + "' (forward|early-exit|memory)");
    }
    return 0;
  }
}
