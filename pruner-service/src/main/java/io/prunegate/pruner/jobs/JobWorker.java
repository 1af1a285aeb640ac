package io.prunegate.pruner.jobs;

import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.registry.Job;
import io.prunegate.registry.client.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims compression jobs from the registry and runs them, {@code concurrency} at a time (one slot
 * thread each; one per machine by default, since a job uses every engine thread). An idle slot
 * polls the queue every poll interval, or at once when {@link #wake()} says a job was just created.
 * A job is claimed with a lease that its {@link JobLease} renews while it runs; if this process
 * dies, the lease runs out and the next claim (here after a restart, or on another replica) retries
 * the job, which then reuses the variants registered before. A failing job is recorded as failed
 * and the slot moves on to the next one.
 */
public final class JobWorker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);

  private final RegistryClient registry;
  private final PrunerConfig config;
  private final CompressionMethods methods;
  private final JobObserver observer;
  private final List<Thread> slots = new ArrayList<>();
  private final Object signal = new Object();
  private long wakeups;
  private volatile boolean running = true;

  public JobWorker(
      RegistryClient registry,
      PrunerConfig config,
      CompressionMethods methods,
      JobObserver observer) {
    this.registry = registry;
    this.config = config;
    this.methods = methods;
    this.observer = observer;
  }

  /** Starts the slot threads. */
  public JobWorker start() {
    for (int i = 0; i < config.concurrency(); i++) {
      String id = config.concurrency() == 1 ? config.workerId() : config.workerId() + "/" + (i + 1);
      Thread t = new Thread(() -> loop(id), "pruner-slot-" + (i + 1));
      t.setDaemon(true);
      slots.add(t);
      t.start();
    }
    LOG.info(
        "worker {} polling for {} jobs with {} slot(s), lease {}",
        config.workerId(),
        CompressionJobs.METHOD,
        config.concurrency(),
        config.lease());
    return this;
  }

  /** A job was created: idle slots look for it now instead of at their next poll. */
  public void wake() {
    synchronized (signal) {
      wakeups++;
      signal.notifyAll();
    }
  }

  private void loop(String slotId) {
    JobRunner runner = new JobRunner(registry, methods, config, slotId, observer);
    while (running) {
      long seen;
      synchronized (signal) {
        seen = wakeups;
      }
      Optional<Job> job;
      try {
        job = registry.claimJob(slotId, config.lease(), Set.of(CompressionJobs.METHOD));
      } catch (RuntimeException e) {
        LOG.warn("{}: cannot claim jobs: {}", slotId, e.getMessage());
        job = Optional.empty();
      }
      if (job.isPresent()) {
        Job j = job.get();
        LOG.info(
            "{} claimed job {} model={} version={} attempt={}",
            slotId,
            j.id(),
            j.model(),
            j.version(),
            j.attempts());
        try {
          runner.run(j);
        } catch (RuntimeException | Error e) {
          LOG.error("{}: job {} ended abnormally", slotId, j.id(), e);
        }
        continue;
      }
      synchronized (signal) {
        if (wakeups == seen && running) {
          try {
            signal.wait(config.pollInterval().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  /**
   * Stops claiming; waits up to {@code graceMillis} for running jobs, then interrupts them and
   * waits up to 5 s more for them to unwind (their leases run out and the jobs are retried
   * elsewhere).
   */
  public void stop(long graceMillis) {
    running = false;
    wake();
    long deadline = System.currentTimeMillis() + graceMillis;
    for (Thread t : slots) {
      try {
        t.join(Math.max(1, deadline - System.currentTimeMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        t.interrupt();
        // wait for the interrupted job to unwind (its lease stops reporting), so that whatever
        // stops after the pruner (the registry, in the demo) sees no late call
        try {
          t.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Override
  public void close() {
    stop(10_000);
  }
}
