package io.prunegate.gateway.batching;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded admission queue: requests admitted and not yet answered. HTTP asks with {@link
 * #tryAcquire()} and answers 429 when full; the Kafka consumer always admits what it polled ({@link
 * #acquire()}) and instead pauses its partitions while {@link #isFull()}, resuming below half.
 */
public final class InflightLimit {

  private final int capacity;
  private final AtomicInteger inFlight = new AtomicInteger();

  public InflightLimit(int capacity) {
    this.capacity = capacity;
  }

  /** Admits one request unless the limit is reached. */
  public boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= capacity) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Admits one request regardless of the limit (what a consumer already polled). */
  public void acquire() {
    inFlight.incrementAndGet();
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  public int inFlight() {
    return inFlight.get();
  }

  public int capacity() {
    return capacity;
  }

  /** At or above capacity: time to pause. */
  public boolean isFull() {
    return inFlight.get() >= capacity;
  }

  /** Below half capacity: time to resume. */
  public boolean hasRoom() {
    return inFlight.get() < capacity / 2;
  }
}
