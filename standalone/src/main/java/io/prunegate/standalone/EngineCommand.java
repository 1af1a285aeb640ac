package io.prunegate.standalone;

import ai.djl.engine.Engine;
import io.prunegate.model.runtime.ComputeDevice;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TorchRuntime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code engine}: starts the inference engine and prints what it found (version, devices, threads).
 * Image builds run it once so that libtorch is extracted into the cache before the runtime goes
 * offline.
 */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = "Start the PyTorch engine and print its version, device and thread settings.")
public final class EngineCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto|cpu|gpu[:n] (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Intra-op threads, 0 = engine default.")
  int threads;

  @Override
  public Integer call() {
    Engine engine = TorchRuntime.start(new RuntimeOptions(device, threads, 0));
    var out = spec.commandLine().getOut();
    out.printf("engine:  %s %s%n", engine.getEngineName(), engine.getVersion());
    out.printf("gpus:    %d%n", engine.getGpuCount());
    out.printf("device:  %s -> %s%n", device, ComputeDevice.resolve(device));
    out.printf("threads: %s%n", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
    out.printf("cache:   %s%n", TorchRuntime.cacheRoot());
    return 0;
  }
}
