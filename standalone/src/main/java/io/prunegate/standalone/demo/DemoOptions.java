package io.prunegate.standalone.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the demo runs.
 *
 * @param workDir where the Kafka log, the registry (H2 + artifacts), the gateway's model cache and
 *     the pruner's work live; kept between runs
 * @param once print the summary and exit (else serve until Ctrl-C)
 * @param fresh forget the registry state, Kafka log and experiment state of earlier runs (the
 *     imported model stays)
 * @param model the registry name of the demo model
 * @param requestsPerPhase requests per measurement phase (burst and paced) and alias
 * @param testLimit test texts used (0: the whole shipped test split)
 * @param liveRate requests per second of the live traffic while the pruner works
 * @param challengerShare share of the bare model name's traffic routed to the challenger
 * @param kafkaPort broker port (0: a free one)
 * @param registryPort registry HTTP port (0: a free one)
 * @param gatewayPort gateway HTTP port (0: a free one)
 * @param threads engine threads (training, pruning and inference)
 * @param timeout longest wait for any one step (pruning included)
 * @param policy the pruner's compression policy file; empty: the demo's own ({@link
 *     DemoPolicy#BUILT_IN}, all three methods sized for this task)
 */
public record DemoOptions(
    Path workDir,
    boolean once,
    boolean fresh,
    String model,
    int requestsPerPhase,
    int testLimit,
    double liveRate,
    double challengerShare,
    int kafkaPort,
    int registryPort,
    int gatewayPort,
    int threads,
    Duration timeout,
    Optional<Path> policy) {

  public DemoOptions {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(timeout, "timeout");
    if (requestsPerPhase < 10) {
      throw new IllegalArgumentException("--requests must be >= 10, was " + requestsPerPhase);
    }
    if (testLimit < 0 || liveRate <= 0 || threads < 1) {
      throw new IllegalArgumentException("need --test-limit >= 0, --live-rate > 0, --threads >= 1");
    }
    if (challengerShare < 0 || challengerShare > 1) {
      throw new IllegalArgumentException("--challenger-share must lie in [0, 1]");
    }
  }

  /** Where the demo keeps its state by default: {@code <prunegate cache>/demo}. */
  public static Path defaultWorkDir() {
    String cache = System.getProperty("prunegate.cache");
    Path root =
        cache == null || cache.isBlank()
            ? Path.of(System.getProperty("user.home"), ".cache", "prunegate")
            : Path.of(cache);
    return root.resolve("demo");
  }
}
