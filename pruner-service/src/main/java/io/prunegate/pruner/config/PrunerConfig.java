package io.prunegate.pruner.config;

import io.prunegate.config.OptionValues;
import io.prunegate.events.Topics;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.policy.CompressionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a pruner service runs, built in one place ({@link #from}) from the values bound for {@link
 * PrunerOptions#TABLE}, which declares every option and its default. The defaults suit one replica
 * per machine: one job at a time, a 2-minute lease renewed every 40 s while a job runs, the
 * registry's queue polled every 5 s (and at once when the listener creates a job). The compact
 * constructor applies the same validators as the binder, so a record built in code is checked like
 * one read from flags.
 *
 * @param kafkaBootstrap Kafka bootstrap servers; null: no event listener (jobs come only from the
 *     registry's queue, e.g. {@code pruner submit})
 * @param topics topic names (the model-events topic is read)
 * @param groupId consumer group of the model-events listener; replicas share it
 * @param kafkaProperties extra consumer properties (security, for instance)
 * @param registryUrl the registry's base URL
 * @param registryToken bearer token with write access
 * @param policy the policy copied into jobs created from events
 * @param workDir where downloads, candidates and reports are written (a job's files are deleted
 *     when it ends)
 * @param workerId this process's id in job claims (several slots append {@code /<n>})
 * @param concurrency jobs run at once by this process
 * @param lease how long a claim lasts without a renewal; a worker that dies loses its jobs after
 *     this long, and another worker (or its restart) retries them
 * @param maxAttempts claims a job may get; a job claimed more often without ending (its workers
 *     kept dying, e.g. out of memory) is failed instead of retried forever
 * @param pollInterval how often idle slots look for claimable jobs
 * @param runtime device and engine threads for compression and evaluation
 * @param latencyIterations timed batches per batch size when measuring latency
 */
public record PrunerConfig(
    String kafkaBootstrap,
    Topics topics,
    String groupId,
    Map<String, String> kafkaProperties,
    String registryUrl,
    String registryToken,
    CompressionPolicy policy,
    Path workDir,
    String workerId,
    int concurrency,
    Duration lease,
    int maxAttempts,
    Duration pollInterval,
    RuntimeOptions runtime,
    int latencyIterations) {

  public PrunerConfig {
    kafkaBootstrap = kafkaBootstrap == null || kafkaBootstrap.isBlank() ? null : kafkaBootstrap;
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(groupId, "groupId");
    kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
    if (registryUrl == null || registryUrl.isBlank()) {
      throw new IllegalArgumentException(
          "registry URL is required (" + PrunerOptions.REGISTRY_URL.sources() + ")");
    }
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(workDir, "workDir");
    if (workerId == null) {
      throw new IllegalArgumentException("worker id must have 1..200 characters");
    }
    PrunerOptions.WORKER_ID.validate(workerId);
    PrunerOptions.CONCURRENCY.validate(concurrency);
    PrunerOptions.LEASE.validate(Objects.requireNonNull(lease, "lease"));
    PrunerOptions.MAX_ATTEMPTS.validate(maxAttempts);
    PrunerOptions.POLL_INTERVAL.validate(Objects.requireNonNull(pollInterval, "pollInterval"));
    Objects.requireNonNull(runtime, "runtime");
    PrunerOptions.LATENCY_ITERATIONS.validate(latencyIterations);
  }

  /**
   * The configuration of {@code values}: the policy is read from {@link PrunerOptions#POLICY} (the
   * built-in one when unset), the worker id defaults to {@link #defaultWorkerId()}.
   */
  public static PrunerConfig from(OptionValues values) {
    Path file = values.get(PrunerOptions.POLICY);
    return from(
        values, file == null ? CompressionPolicy.defaultPolicy() : CompressionPolicy.read(file));
  }

  /** The configuration of {@code values} running {@code policy} (a policy built in code). */
  public static PrunerConfig from(OptionValues values, CompressionPolicy policy) {
    Topics defaults = Topics.defaults();
    String workerId = values.get(PrunerOptions.WORKER_ID);
    return new PrunerConfig(
        values.get(PrunerOptions.KAFKA_BOOTSTRAP),
        new Topics(
            defaults.requests(),
            defaults.results(),
            defaults.deadLetter(),
            defaults.feedback(),
            values.get(PrunerOptions.MODEL_EVENTS_TOPIC),
            defaults.shadowResults()),
        values.get(PrunerOptions.GROUP_ID),
        Map.of(),
        values.get(PrunerOptions.REGISTRY_URL),
        values.get(PrunerOptions.REGISTRY_TOKEN),
        policy,
        values.get(PrunerOptions.WORK_DIR),
        workerId == null ? defaultWorkerId() : workerId,
        values.get(PrunerOptions.CONCURRENCY),
        values.get(PrunerOptions.LEASE),
        values.get(PrunerOptions.MAX_ATTEMPTS),
        values.get(PrunerOptions.POLL_INTERVAL),
        new RuntimeOptions(
            values.get(PrunerOptions.DEVICE),
            values.get(PrunerOptions.THREADS),
            values.get(PrunerOptions.INTEROP_THREADS)),
        values.get(PrunerOptions.LATENCY_ITERATIONS));
  }

  /** The host name and process id: unique per process, stable for its life. */
  public static String defaultWorkerId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "pruner";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /** How often a running job renews its lease: a third of it, so two renewals may fail. */
  public Duration heartbeat() {
    return lease.dividedBy(3);
  }

  @Override
  public String toString() {
    return "PrunerConfig[kafkaBootstrap="
        + kafkaBootstrap
        + ", modelEvents="
        + topics.modelEvents()
        + ", groupId="
        + groupId
        + ", registryUrl="
        + registryUrl
        + ", registryToken="
        + (registryToken == null ? "none" : "***")
        + ", workDir="
        + workDir
        + ", workerId="
        + workerId
        + ", concurrency="
        + concurrency
        + ", lease="
        + lease
        + ", maxAttempts="
        + maxAttempts
        + ", pollInterval="
        + pollInterval
        + ", runtime="
        + runtime
        + ", latencyIterations="
        + latencyIterations
        + "]";
  }
}
