package io.prunegate.loadtest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each request was meant to be sent ({@link System#nanoTime()} of its slot in the open-loop
 * schedule), by request id. Latency is measured from the intended send time, not the actual one, so
 * that a producer falling behind does not hide queueing (no coordinated omission).
 */
public final class SendLog {

  private final ConcurrentHashMap<String, Long> intended = new ConcurrentHashMap<>();

  void sent(String id, long intendedNanos) {
    intended.put(id, intendedNanos);
  }

  /** The intended send time of {@code id}, or null when this log did not send it. */
  public Long intendedNanos(String id) {
    return intended.get(id);
  }

  public int size() {
    return intended.size();
  }

  public Set<String> ids() {
    return Set.copyOf(intended.keySet());
  }
}
