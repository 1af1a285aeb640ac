package io.prunegate.standalone.demo;

import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.PhaseReport;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The demo's background producer: while the pruner works it streams the test texts to the bare
 * model name (so the gateway's routing decides who answers) in small paced chunks, and tallies who
 * answered. Stopping it lets the chunk in flight finish and be answered.
 */
public final class LiveTraffic implements AutoCloseable {

  private final TrafficMeter meter;
  private final String model;
  private final double rate;
  private final int chunk;
  private final Consumer<String> report;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private final Map<String, Integer> servedBy = new TreeMap<>();
  private volatile RuntimeException failure;
  private int sent;
  private int answered;
  private int ok;
  private int correct;

  /**
   * Starts streaming.
   *
   * @param rate requests per second
   * @param chunk requests per phase (answers are awaited per phase)
   * @param report receives a one-line tally after each chunk
   */
  public LiveTraffic(
      TrafficMeter meter, String model, double rate, int chunk, Consumer<String> report) {
    this.meter = meter;
    this.model = model;
    this.rate = rate;
    this.chunk = chunk;
    this.report = report;
    this.thread = new Thread(this::loop, "demo-live-traffic");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      for (int n = 0; running.get(); n++) {
        LoadPlan plan = meter.plan("live-" + n, model, chunk, rate);
        PhaseReport r = meter.send(plan, Duration.ofSeconds(60));
        TrafficMeter.Score s = meter.score(plan);
        synchronized (this) {
          sent += r.sent();
          answered += r.answered();
          ok += s.ok();
          correct += s.correct();
          s.servedBy().forEach((k, v) -> servedBy.merge(k, v, Integer::sum));
        }
        report.accept(summary());
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** One line: sent, answered, accuracy, who answered. */
  public synchronized String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "live traffic to '%s': %d sent, %d answered, accuracy %.1f%%, answered by %s",
        model,
        sent,
        answered,
        ok == 0 ? 0.0 : 100.0 * correct / ok,
        servedBy);
  }

  /** Requests sent so far. */
  public synchronized int sent() {
    return sent;
  }

  /** Requests answered so far. */
  public synchronized int answered() {
    return answered;
  }

  /** Ok answers so far by {@code v<version>/<alias>}. */
  public synchronized Map<String, Integer> servedBy() {
    return new TreeMap<>(servedBy);
  }

  /** Stops after the chunk in flight is answered; rethrows what stopped it early. */
  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(90_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
