package io.prunegate.pruner.service;

import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.jobs.CompressionJobs;
import io.prunegate.pruner.jobs.CompressionMethods;
import io.prunegate.pruner.jobs.JobObserver;
import io.prunegate.pruner.jobs.JobWorker;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.PolicyException;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobState;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryClientConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pruner service: a {@link ModelEventListener} that turns every {@code model.registered} event
 * into a compression job (when Kafka is configured) and a {@link JobWorker} that claims and runs
 * jobs. Runs as its own process ({@code PrunerMain serve}) or embedded (the standalone demo):
 * {@link #start} returns once both run, {@link #close} stops them. Observers see every job start,
 * progress and end.
 */
public final class PrunerService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PrunerService.class);

  private final PrunerConfig config;
  private final RegistryClient registry;
  private final JobWorker worker;
  private final ModelEventListener listener;
  private final List<JobObserver> observers = new CopyOnWriteArrayList<>();
  private final List<Job> ended = new ArrayList<>();

  private PrunerService(PrunerConfig config, CompressionMethods methods) {
    this.config = config;
    try {
      methods.validate(config.policy());
    } catch (PolicyException e) {
      throw new IllegalArgumentException("the pruner's policy is invalid: " + e.getMessage(), e);
    }
    try {
      Files.createDirectories(config.workDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create work directory " + config.workDir(), e);
    }
    this.registry =
        new RegistryClient(RegistryClientConfig.of(config.registryUrl(), config.registryToken()));
    JobObserver fanOut = new FanOut();
    this.worker = new JobWorker(registry, config, methods, fanOut);
    this.listener =
        config.kafkaBootstrap() == null
            ? null
            : new ModelEventListener(config, registry, config.policy(), j -> worker.wake());
  }

  /** Starts a service with the built-in methods. */
  public static PrunerService start(PrunerConfig config) {
    return start(config, CompressionMethods.builtin());
  }

  /** Starts a service with the given methods. */
  public static PrunerService start(PrunerConfig config, CompressionMethods methods) {
    PrunerService s = new PrunerService(config, methods);
    s.worker.start();
    if (s.listener != null) {
      s.listener.start();
    }
    LOG.info("pruner service started: {}", config);
    return s;
  }

  public PrunerConfig config() {
    return config;
  }

  /** The registry client the service uses. */
  public RegistryClient registry() {
    return registry;
  }

  /** The event listener, when Kafka is configured. */
  public Optional<ModelEventListener> listener() {
    return Optional.ofNullable(listener);
  }

  /**
   * Waits until the event listener has its partitions (so that events published from now on are
   * seen); true at once without Kafka.
   */
  public boolean awaitListening(Duration timeout) throws InterruptedException {
    return listener == null || listener.awaitAssigned(timeout);
  }

  /** Adds an observer of job starts, progress and ends. */
  public void addObserver(JobObserver observer) {
    observers.add(observer);
  }

  /** Jobs this service ended so far (finished or failed), in order. */
  public List<Job> endedJobs() {
    synchronized (ended) {
      return List.copyOf(ended);
    }
  }

  /** Waits until this service has ended at least {@code count} jobs; true when it has. */
  public boolean awaitEnded(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (ended) {
      while (ended.size() < count) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        ended.wait(left);
      }
      return true;
    }
  }

  /**
   * Queues a job for {@code model:version} with {@code policy} (as the {@code pruner submit}
   * command does); the worker picks it up at once.
   */
  public Job submit(String model, int version, CompressionPolicy policy, String idempotencyKey) {
    Job job =
        registry.createJob(
            CompressionJobs.submitted(model, version, policy.toMap(), idempotencyKey));
    worker.wake();
    return job;
  }

  /** Stops listening and claiming; running jobs get a grace period, then their leases lapse. */
  @Override
  public void close() {
    if (listener != null) {
      listener.close();
    }
    worker.close();
    LOG.info("pruner service stopped");
  }

  /** Records ended jobs and forwards every call to the registered observers. */
  private final class FanOut implements JobObserver {
    @Override
    public void jobStarted(Job job) {
      observers.forEach(o -> safely(() -> o.jobStarted(job)));
    }

    @Override
    public void jobProgress(Job job, double fraction, String message) {
      observers.forEach(o -> safely(() -> o.jobProgress(job, fraction, message)));
    }

    @Override
    public void jobEnded(Job job) {
      if (job.state() == JobState.FINISHED || job.state() == JobState.FAILED) {
        synchronized (ended) {
          ended.add(job);
          ended.notifyAll();
        }
      }
      observers.forEach(o -> safely(() -> o.jobEnded(job)));
    }

    @Override
    public void jobAbandoned(Job job, String reason) {
      observers.forEach(o -> safely(() -> o.jobAbandoned(job, reason)));
    }

    private void safely(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("job observer failed: {}", e.toString());
      }
    }
  }
}
