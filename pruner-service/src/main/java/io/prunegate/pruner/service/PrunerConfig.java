package io.prunegate.pruner.service;

import io.prunegate.events.Topics;
import io.prunegate.model.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a pruner service runs. Defaults ({@link #of}) suit one replica per machine: one job at a
 * time, a 2-minute lease renewed every 20 s while a job runs, the registry's queue polled every 5 s
 * (and at once when the listener creates a job).
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

  public static final String DEFAULT_GROUP_ID = "prunegate-pruner";

  public PrunerConfig {
    kafkaBootstrap = kafkaBootstrap == null || kafkaBootstrap.isBlank() ? null : kafkaBootstrap;
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(groupId, "groupId");
    kafkaProperties = Map.copyOf(kafkaProperties == null ? Map.of() : kafkaProperties);
    if (registryUrl == null || registryUrl.isBlank()) {
      throw new IllegalArgumentException(
          "registry URL is required (--registry-url / PRUNEGATE_REGISTRY_URL)");
    }
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(workDir, "workDir");
    if (workerId == null || workerId.isBlank() || workerId.length() > 200) {
      throw new IllegalArgumentException("worker id must have 1..200 characters");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
    }
    if (lease.toSeconds() < 2) {
      throw new IllegalArgumentException("lease must be at least 2s, was " + lease);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be >= 1, was " + maxAttempts);
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive, was " + pollInterval);
    }
    Objects.requireNonNull(runtime, "runtime");
    if (latencyIterations < 1) {
      throw new IllegalArgumentException(
          "latency iterations must be >= 1, was " + latencyIterations);
    }
  }

  /** Defaults around a registry, with the default policy and no Kafka. */
  public static PrunerConfig of(String registryUrl, String registryToken, Path workDir) {
    return new PrunerConfig(
        null,
        Topics.defaults(),
        DEFAULT_GROUP_ID,
        Map.of(),
        registryUrl,
        registryToken,
        CompressionPolicy.defaultPolicy(),
        workDir,
        defaultWorkerId(),
        1,
        Duration.ofMinutes(2),
        3,
        Duration.ofSeconds(5),
        new RuntimeOptions("cpu", 0, 0),
        20);
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

  public PrunerConfig withKafka(String bootstrap, Topics value, String group) {
    return new PrunerConfig(
        bootstrap,
        value,
        group,
        kafkaProperties,
        registryUrl,
        registryToken,
        policy,
        workDir,
        workerId,
        concurrency,
        lease,
        maxAttempts,
        pollInterval,
        runtime,
        latencyIterations);
  }

  public PrunerConfig withKafkaProperties(Map<String, String> value) {
    return new PrunerConfig(
        kafkaBootstrap,
        topics,
        groupId,
        value,
        registryUrl,
        registryToken,
        policy,
        workDir,
        workerId,
        concurrency,
        lease,
        maxAttempts,
        pollInterval,
        runtime,
        latencyIterations);
  }

  public PrunerConfig withPolicy(CompressionPolicy value) {
    return new PrunerConfig(
        kafkaBootstrap,
        topics,
        groupId,
        kafkaProperties,
        registryUrl,
        registryToken,
        value,
        workDir,
        workerId,
        concurrency,
        lease,
        maxAttempts,
        pollInterval,
        runtime,
        latencyIterations);
  }

  public PrunerConfig withWorker(String id, int slots) {
    return new PrunerConfig(
        kafkaBootstrap,
        topics,
        groupId,
        kafkaProperties,
        registryUrl,
        registryToken,
        policy,
        workDir,
        id,
        slots,
        lease,
        maxAttempts,
        pollInterval,
        runtime,
        latencyIterations);
  }

  public PrunerConfig withTiming(Duration leaseValue, Duration poll) {
    return new PrunerConfig(
        kafkaBootstrap,
        topics,
        groupId,
        kafkaProperties,
        registryUrl,
        registryToken,
        policy,
        workDir,
        workerId,
        concurrency,
        leaseValue,
        maxAttempts,
        poll,
        runtime,
        latencyIterations);
  }

  public PrunerConfig withMaxAttempts(int value) {
    return new PrunerConfig(
        kafkaBootstrap,
        topics,
        groupId,
        kafkaProperties,
        registryUrl,
        registryToken,
        policy,
        workDir,
        workerId,
        concurrency,
        lease,
        value,
        pollInterval,
        runtime,
        latencyIterations);
  }

  public PrunerConfig withWorkDir(Path value) {
    return new PrunerConfig(
        kafkaBootstrap,
        topics,
        groupId,
        kafkaProperties,
        registryUrl,
        registryToken,
        policy,
        value,
        workerId,
        concurrency,
        lease,
        maxAttempts,
        pollInterval,
        runtime,
        latencyIterations);
  }

  public PrunerConfig withRuntime(RuntimeOptions value, int iterations) {
    return new PrunerConfig(
        kafkaBootstrap,
        topics,
        groupId,
        kafkaProperties,
        registryUrl,
        registryToken,
        policy,
        workDir,
        workerId,
        concurrency,
        lease,
        maxAttempts,
        pollInterval,
        value,
        iterations);
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
