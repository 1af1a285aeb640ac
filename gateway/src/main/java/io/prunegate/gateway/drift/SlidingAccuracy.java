package io.prunegate.gateway.drift;

/** Accuracy over the last {@code window} labelled answers (a ring buffer of hits). */
public final class SlidingAccuracy {

  private final boolean[] hits;
  private int next;
  private int count;
  private int correct;
  private long total;

  public SlidingAccuracy(int window) {
    this.hits = new boolean[window];
  }

  public synchronized void add(boolean hit) {
    if (count == hits.length) {
      if (hits[next]) {
        correct--;
      }
    } else {
      count++;
    }
    hits[next] = hit;
    if (hit) {
      correct++;
    }
    next = (next + 1) % hits.length;
    total++;
  }

  /** Accuracy over the window, NaN before the first label. */
  public synchronized double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }

  /** Labels seen in the window. */
  public synchronized int count() {
    return count;
  }

  /** Labels seen since start. */
  public synchronized long total() {
    return total;
  }
}
