package io.prunegate.gateway.serving;

/** The admission queue is full: HTTP answers 429 (the Kafka path pauses instead). */
public final class OverloadedException extends RuntimeException {

  public OverloadedException(int capacity) {
    super("overloaded: " + capacity + " requests in flight; retry later");
  }
}
