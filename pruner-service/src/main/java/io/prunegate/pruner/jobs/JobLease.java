package io.prunegate.pruner.jobs;

import io.prunegate.pruner.progress.ProgressListener;
import io.prunegate.registry.Job;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A claimed job's lease, kept alive while the work runs: progress updates are recorded at once
 * (cheap, any thread) and sent to the registry by a background thread at most once a second, and at
 * least every heartbeat even without news, which renews the lease. When the registry answers that
 * another worker holds the job, the next progress update throws {@link LeaseLostException}, which
 * stops the work.
 */
final class JobLease implements ProgressListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobLease.class);
  private static final long MIN_REPORT_GAP_MS = 1000;

  private final RegistryClient registry;
  private final Job job;
  private final String workerId;
  private final long heartbeatMs;
  private final JobObserver observer;
  private final ScheduledExecutorService timer;
  private double fraction;
  private String message = "claimed";
  private boolean dirty = true;
  private long lastSentMs;
  private volatile String lost;

  JobLease(
      RegistryClient registry, Job job, String workerId, Duration heartbeat, JobObserver observer) {
    this.registry = registry;
    this.job = job;
    this.workerId = workerId;
    this.heartbeatMs = Math.max(MIN_REPORT_GAP_MS, heartbeat.toMillis());
    this.observer = observer;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pruner-lease-" + job.id());
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
  }

  @Override
  public void update(double newFraction, String newMessage) {
    requireHeld();
    double f = Math.max(0, Math.min(1, newFraction));
    synchronized (this) {
      // progress never goes backwards in the registry, even when a sub-task restarts its range
      if (f >= fraction) {
        fraction = f;
      }
      message = newMessage;
      dirty = true;
    }
    observer.jobProgress(job, f, newMessage);
  }

  /** Throws {@link LeaseLostException} when another worker holds the job now. */
  void requireHeld() {
    String why = lost;
    if (why != null) {
      throw new LeaseLostException(why);
    }
  }

  private void tick() {
    try {
      send();
    } catch (RuntimeException e) {
      LOG.warn("job {}: progress report failed: {}", job.id(), e.getMessage());
    }
  }

  private void send() {
    if (lost != null) {
      return;
    }
    double f;
    String m;
    synchronized (this) {
      long now = System.currentTimeMillis();
      boolean due =
          (dirty && now - lastSentMs >= MIN_REPORT_GAP_MS) || now - lastSentMs >= heartbeatMs;
      if (!due) {
        return;
      }
      f = fraction;
      m = message;
      dirty = false;
      lastSentMs = now;
    }
    try {
      registry.reportProgress(job.id(), workerId, f, truncate(m));
    } catch (RegistryException e) {
      if (e.status() == 409 || e.status() == 404) {
        lost = "job " + job.id() + " is no longer held by " + workerId + ": " + e.getMessage();
        LOG.warn("{}", lost);
      } else {
        throw e;
      }
    }
  }

  private static String truncate(String m) {
    return m == null || m.length() <= 500 ? m : m.substring(0, 500);
  }

  /**
   * Stops reporting (the job is ending: its last call to the registry must not race a progress
   * report, which would be refused once the job ended). Safe to call twice.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized String toString() {
    return String.format(Locale.ROOT, "%s %.0f%% %s", job.id(), fraction * 100, message);
  }
}
