package io.prunegate.gateway.batching;

import io.prunegate.gateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference workers and the queues they serve. Each worker repeatedly takes the due batch whose
 * oldest request has waited longest (a queue is due when it holds a full batch, when its oldest
 * request has waited {@code maxQueueDelay}, or while it drains), runs it through the {@link
 * BatchExecutor} outside the lock, and sleeps until the next queue falls due when none is. One lock
 * guards every queue: a few variants and a few thousand requests per second make it cheap, and it
 * keeps "pick the most urgent queue" exact.
 *
 * @param <O> the owner type of the queues (the loaded variant)
 */
public final class BatchScheduler<O> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

  private final int maxBatch;
  private final long maxDelayNanos;
  private final int groupingWindow;
  private volatile BatchExecutor<O> executor;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final List<MicroBatcher<O>> queues = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * Queues without workers yet: {@link #start} binds them to their executor. Two steps because the
   * executor's champion fallback queues on this scheduler, so the scheduler exists first.
   */
  public BatchScheduler(GatewayConfig.Batching settings, int workerCount) {
    this.maxBatch = settings.maxBatchSize();
    this.maxDelayNanos = settings.maxQueueDelay().toNanos();
    this.groupingWindow = settings.groupingWindow();
    for (int i = 0; i < workerCount; i++) {
      Thread t = new Thread(this::workLoop, "gateway-inference-" + i);
      t.setDaemon(true);
      workers.add(t);
    }
  }

  /** Starts the workers, each running due batches through {@code batchExecutor}; once. */
  public BatchScheduler<O> start(BatchExecutor<O> batchExecutor) {
    if (executor != null) {
      throw new IllegalStateException("the scheduler is started already");
    }
    executor = batchExecutor;
    workers.forEach(Thread::start);
    return this;
  }

  /** A new queue for {@code owner}. */
  public MicroBatcher<O> open(O owner, String name) {
    MicroBatcher<O> q = new MicroBatcher<>(owner, name);
    lock.lock();
    try {
      queues.add(q);
    } finally {
      lock.unlock();
    }
    return q;
  }

  /** Queues a request; false when the queue is closed (its variant is being swapped out). */
  public boolean submit(MicroBatcher<O> queue, PendingRequest r) {
    lock.lock();
    try {
      if (!running || !queue.offer(r, System.nanoTime())) {
        return false;
      }
      work.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Requests waiting in {@code queue}. */
  public int queued(MicroBatcher<O> queue) {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes {@code queue} to new requests; {@code whenDrained} runs (on a worker, or here when the
   * queue is idle already) once its queued requests are answered and no batch of it is running.
   */
  public void drain(MicroBatcher<O> queue, Runnable whenDrained) {
    Runnable now;
    lock.lock();
    try {
      now =
          queue.close(
              () -> {
                lock.lock();
                try {
                  queues.remove(queue);
                } finally {
                  lock.unlock();
                }
                whenDrained.run();
              });
      work.signalAll();
    } finally {
      lock.unlock();
    }
    if (now != null) {
      now.run();
    }
  }

  private void workLoop() {
    while (running) {
      MicroBatcher<O> from = null;
      List<PendingRequest> batch = null;
      lock.lock();
      try {
        while (running && batch == null) {
          long now = System.nanoTime();
          long nextDue = Long.MAX_VALUE;
          MicroBatcher<O> best = null;
          for (MicroBatcher<O> q : queues) {
            long due = q.readyAtNanos(maxBatch, maxDelayNanos);
            if (due <= now) {
              if (best == null || q.oldestNanos() < best.oldestNanos()) {
                best = q;
              }
            } else {
              nextDue = Math.min(nextDue, due);
            }
          }
          if (best != null) {
            from = best;
            batch = best.take(maxBatch, groupingWindow);
          } else if (nextDue == Long.MAX_VALUE) {
            work.await();
          } else {
            work.awaitNanos(nextDue - now);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      if (batch == null) {
        continue;
      }
      try {
        executor.execute(from.owner(), batch);
      } catch (Throwable t) {
        // The executor answers its requests itself; reaching here is a bug worth a loud log.
        LOG.error("batch executor failed queue={} size={}", from.name(), batch.size(), t);
      }
      Runnable drained;
      lock.lock();
      try {
        drained = from.batchDone();
        if (from.isClosed()) {
          work.signalAll();
        }
      } finally {
        lock.unlock();
      }
      if (drained != null) {
        try {
          drained.run();
        } catch (RuntimeException e) {
          LOG.error("drain callback failed queue={}", from.name(), e);
        }
      }
    }
  }

  /** Stops the workers (after the batches they run); requests still queued are not answered. */
  @Override
  public void close() {
    running = false;
    lock.lock();
    try {
      work.signalAll();
    } finally {
      lock.unlock();
    }
    for (Thread t : workers) {
      if (t.getState() == Thread.State.NEW) {
        continue;
      }
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
