package io.prunegate.loadtest;

import java.util.List;
import java.util.Objects;

/**
 * One open-loop phase of load: {@code requests} requests sent at {@code ratePerSecond}, regardless
 * of how fast answers come back (so a slow gateway shows up as latency, not as a lower send rate).
 *
 * @param name the phase name, used in ids ({@code <runId>-<name>-<n>}) and the report
 * @param requests how many requests to send
 * @param ratePerSecond the target send rate; {@code <= 0} sends as fast as the producer takes them
 * @param model the model reference every request names ({@code name}, {@code name@alias}, ...)
 * @param texts the texts, used round-robin
 * @param keySpace number of distinct routing keys ({@code k-0 .. k-(n-1)}, round-robin); 0 sends no
 *     key, so the record key is the request id
 * @param deadlineMillis relative deadline written as {@code deadline_ms = send time + this}; 0 for
 *     none
 */
public record LoadPlan(
    String name,
    int requests,
    double ratePerSecond,
    String model,
    List<String> texts,
    int keySpace,
    long deadlineMillis) {

  public LoadPlan {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    texts = List.copyOf(texts);
    if (requests < 0) {
      throw new IllegalArgumentException("requests must be >= 0, was " + requests);
    }
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("a load plan needs at least one text");
    }
    if (keySpace < 0 || deadlineMillis < 0) {
      throw new IllegalArgumentException("keySpace and deadlineMillis must be >= 0");
    }
  }

  /** A plan without keys or deadlines. */
  public static LoadPlan of(
      String name, int requests, double ratePerSecond, String model, List<String> texts) {
    return new LoadPlan(name, requests, ratePerSecond, model, texts, 0, 0);
  }

  public LoadPlan withKeySpace(int keys) {
    return new LoadPlan(name, requests, ratePerSecond, model, texts, keys, deadlineMillis);
  }

  public LoadPlan withRate(double rate) {
    return new LoadPlan(name, requests, rate, model, texts, keySpace, deadlineMillis);
  }

  public LoadPlan withName(String n) {
    return new LoadPlan(n, requests, ratePerSecond, model, texts, keySpace, deadlineMillis);
  }

  public LoadPlan withRequests(int n) {
    return new LoadPlan(name, n, ratePerSecond, model, texts, keySpace, deadlineMillis);
  }

  /** Planned duration in seconds (0 when unthrottled). */
  public double plannedSeconds() {
    return ratePerSecond <= 0 ? 0 : requests / ratePerSecond;
  }
}
