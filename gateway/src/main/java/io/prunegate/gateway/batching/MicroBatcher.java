package io.prunegate.gateway.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The queue of one model variant: requests wait here until a worker cuts a batch, which happens
 * when {@code maxBatchSize} are waiting or the oldest has waited {@code maxQueueDelay} (or at once
 * while draining). A closed batcher takes no new requests; once empty and idle it reports drained,
 * so a swapped-out variant finishes what it accepted before it is closed.
 *
 * <p>Not thread-safe on its own: its {@link BatchScheduler} calls it under its lock.
 *
 * @param <O> the owner (the loaded variant) handed to the batch executor
 */
public final class MicroBatcher<O> {

  private final O owner;
  private final String name;
  private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
  private boolean closed;
  private int inFlightBatches;
  private Runnable onDrained;

  MicroBatcher(O owner, String name) {
    this.owner = owner;
    this.name = name;
  }

  public O owner() {
    return owner;
  }

  public String name() {
    return name;
  }

  boolean offer(PendingRequest r, long nowNanos) {
    if (closed) {
      return false;
    }
    r.enqueuedAt(nowNanos);
    queue.addLast(r);
    return true;
  }

  int size() {
    return queue.size();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  boolean isClosed() {
    return closed;
  }

  /** When the next batch is due: now when full or draining, else when the oldest times out. */
  long readyAtNanos(int maxBatch, long maxDelayNanos) {
    if (queue.isEmpty()) {
      return Long.MAX_VALUE;
    }
    if (queue.size() >= maxBatch || closed) {
      return Long.MIN_VALUE;
    }
    return queue.peekFirst().enqueuedNanos() + maxDelayNanos;
  }

  long oldestNanos() {
    return queue.isEmpty() ? Long.MAX_VALUE : queue.peekFirst().enqueuedNanos();
  }

  /** Cuts the next batch: the oldest request and up to maxBatch-1 of similar length. */
  List<PendingRequest> take(int maxBatch, int groupingWindow) {
    int window = Math.min(queue.size(), maxBatch * groupingWindow);
    List<PendingRequest> candidates = new ArrayList<>(window);
    for (int i = 0; i < window; i++) {
      candidates.add(queue.pollFirst());
    }
    int[] lengths = new int[window];
    for (int i = 0; i < window; i++) {
      lengths[i] = candidates.get(i).lengthHint();
    }
    int[] chosen = LengthGrouping.pick(lengths, maxBatch);
    boolean[] taken = new boolean[window];
    List<PendingRequest> batch = new ArrayList<>(chosen.length);
    for (int i : chosen) {
      taken[i] = true;
      batch.add(candidates.get(i));
    }
    // Put the rest back at the front, in their original order.
    for (int i = window - 1; i >= 0; i--) {
      if (!taken[i]) {
        queue.addFirst(candidates.get(i));
      }
    }
    inFlightBatches++;
    return batch;
  }

  /** Marks a batch done; returns the drain callback when this completes a drain. */
  Runnable batchDone() {
    inFlightBatches--;
    return drainedCallback();
  }

  /** Closes the queue; the callback runs once it is empty and no batch is running. */
  Runnable close(Runnable whenDrained) {
    closed = true;
    onDrained = whenDrained;
    return drainedCallback();
  }

  private Runnable drainedCallback() {
    if (closed && queue.isEmpty() && inFlightBatches == 0 && onDrained != null) {
      Runnable r = onDrained;
      onDrained = null;
      return r;
    }
    return null;
  }

  /** Requests waiting, for metrics (racy read). */
  int queuedApprox() {
    return queue.size();
  }
}
