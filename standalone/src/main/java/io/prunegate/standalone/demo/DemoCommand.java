package io.prunegate.standalone.demo;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code prunegate demo}: runs the whole system in this JVM on the shipped demo task and prints a
 * summary per variant (see {@link Demo}); with {@code --once} it exits after the summary, else it
 * keeps serving until Ctrl-C and then shuts down cleanly.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs Kafka, the registry, the pruner and the gateway in one JVM: registers bge-small-en-v1.5",
      "with a chip trained on the shipped support-ticket task, lets the pruner compress it, the",
      "gateway switch to the compressed challenger, streams the test texts through Kafka and",
      "prints accuracy, throughput and latency per variant."
    })
public final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--once",
      description = "exit after the summary (default: keep serving until Ctrl-C)")
  boolean once;

  @Option(
      names = "--work-dir",
      description = "state kept between runs (default: <prunegate cache>/demo)")
  Path workDir;

  @Option(
      names = "--fresh",
      description =
          "forget the registry state, Kafka log and experiment state of earlier runs: retrain"
              + " and re-prune")
  boolean fresh;

  @Option(
      names = "--model",
      defaultValue = "support-tickets",
      description = "registry name of the demo model (default ${DEFAULT-VALUE})")
  String model;

  @Option(
      names = "--requests",
      defaultValue = "200",
      description =
          "requests per measurement phase and variant (a burst, then the same number paced;"
              + " default ${DEFAULT-VALUE})")
  int requests;

  @Option(
      names = "--test-limit",
      defaultValue = "0",
      description = "test texts used, 0 = all of the shipped test split (default ${DEFAULT-VALUE})")
  int testLimit;

  @Option(
      names = "--live-rate",
      defaultValue = "4",
      description =
          "requests/s streamed to the model while the pruner works (default ${DEFAULT-VALUE})")
  double liveRate;

  @Option(
      names = "--challenger-share",
      defaultValue = "0.5",
      description =
          "share of the bare model name's traffic the gateway routes to the challenger"
              + " (default ${DEFAULT-VALUE})")
  double challengerShare;

  @Option(
      names = "--kafka-port",
      defaultValue = "0",
      description = "broker port, 0 = a free one (the controller takes the next port)")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "registry HTTP port, 0 = a free one (default ${DEFAULT-VALUE})")
  int registryPort;

  @Option(
      names = "--gateway-port",
      defaultValue = "8080",
      description = "gateway HTTP port, 0 = a free one (default ${DEFAULT-VALUE})")
  int gatewayPort;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "engine threads for training, pruning and inference (default ${DEFAULT-VALUE})")
  int threads;

  @Option(
      names = "--policy",
      description =
          "the pruner's compression policy (JSON); default: the demo's own, chip-tuning, FinerCut"
              + " and LLM-Pruner sized for the shipped task")
  Path policy;

  @Option(
      names = "--verbose",
      description = "keep the services' INFO logs on stderr (default: warnings only)")
  boolean verbose;

  @Option(
      names = "--timeout",
      defaultValue = "600",
      description = "seconds to wait for any one step, pruning included (default ${DEFAULT-VALUE})")
  int timeoutSeconds;

  /** The options these flags describe. */
  public DemoOptions options() {
    return new DemoOptions(
        workDir == null ? DemoOptions.defaultWorkDir() : workDir,
        once,
        fresh,
        model,
        requests,
        testLimit,
        liveRate,
        challengerShare,
        kafkaPort,
        registryPort,
        gatewayPort,
        threads,
        Duration.ofSeconds(timeoutSeconds),
        Optional.ofNullable(policy));
  }

  private static void quiet(String logger, Level level) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger)).setLevel(level);
  }

  @Override
  public Integer call() throws InterruptedException {
    DemoOptions o = options();
    if (!verbose && System.getenv("PRUNEGATE_LOG_LEVEL") == null) {
      // The steps and the summary tell the story; the services' INFO lines would drown them.
      quiet("io.prunegate", Level.WARN);
      // The broker's first-start notices and DJL's GPU probe on a CPU machine are not problems.
      quiet("org.apache.kafka", Level.ERROR);
      quiet("kafka", Level.ERROR);
      quiet("ai.djl.util.cuda", Level.ERROR);
    }
    DemoConsole console = new DemoConsole(System.out, Demo.STEPS);
    Demo demo = new Demo(o, console);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              console.print("Shutting down: experiments, gateway, pruner, registry, Kafka ...");
              demo.close();
              console.print("Stopped cleanly.");
              stopped.countDown();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    DemoSummary summary;
    try {
      summary = demo.run();
    } catch (RuntimeException e) {
      if (demo.isClosed()) {
        // Ctrl-C during a step: the hook is stopping everything, so the step's failure is expected
        // and not an error; wait for the hook to finish.
        stopped.await();
        return 130;
      }
      console.print("demo failed: " + e.getMessage());
      Runtime.getRuntime().removeShutdownHook(hook);
      demo.close();
      throw e;
    }
    console.print(DemoReport.render(summary, o));
    if (o.once()) {
      Runtime.getRuntime().removeShutdownHook(hook);
      demo.close();
      return summary.allAnswered() ? 0 : 1;
    }
    console.print("Serving until Ctrl-C.");
    stopped.await();
    return 0;
  }
}
