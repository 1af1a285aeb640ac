package io.prunegate.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A load-test session against one gateway: a producer, a result collector and a send log shared by
 * its phases. {@link #run} sends a phase and waits for its answers; {@link #start} sends one in the
 * background (for scenarios that act while load runs, such as alias moves). Ids carry a random run
 * id, so several runs can share topics.
 */
public final class LoadRun implements AutoCloseable {

  private final String runId;
  private final SendLog sendLog = new SendLog();
  private final OpenLoopProducer producer;
  private final ResultCollector collector;

  private LoadRun(LoadTarget target) {
    this.runId = "run" + UUID.randomUUID().toString().substring(0, 8);
    String prefix = runId + "-";
    this.collector =
        new ResultCollector(
            target.bootstrapServers(),
            target.resultsTopic(),
            sendLog,
            id -> id.startsWith(prefix),
            target.readCommitted());
    this.producer =
        new OpenLoopProducer(
            target.bootstrapServers(),
            target.requestsTopic(),
            sendLog,
            target.producerProperties());
  }

  /** Opens a session: the collector is positioned before anything is sent. */
  public static LoadRun open(LoadTarget target) {
    return new LoadRun(target);
  }

  public String runId() {
    return runId;
  }

  /** The ids a phase sends. */
  public Set<String> ids(LoadPlan plan) {
    return IntStream.range(0, plan.requests())
        .mapToObj(i -> runId + "-" + plan.name() + "-" + i)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Sends the phase on schedule, waits up to {@code timeout} for its answers, and reports it. */
  public PhaseReport run(LoadPlan plan, Duration timeout) {
    return start(plan).thenApply(sent -> finish(plan, sent, timeout)).join();
  }

  /**
   * Sends the phase on a background thread; the future completes with the send statistics once
   * every request is acknowledged by Kafka. Call {@link #finish} to wait for the answers.
   */
  public CompletableFuture<SendStats> start(LoadPlan plan) {
    CompletableFuture<SendStats> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                long t0 = System.nanoTime();
                double lag = producer.send(runId, plan);
                producer.flush();
                done.complete(new SendStats(t0, System.nanoTime(), lag));
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            },
            "loadgen-" + plan.name());
    t.setDaemon(true);
    t.start();
    return done;
  }

  /** Waits for the answers of a phase sent with {@link #start} and reports it. */
  public PhaseReport finish(LoadPlan plan, SendStats sent, Duration timeout) {
    Set<String> ids = ids(plan);
    collector.awaitAnswers(ids, timeout);
    List<Answer> got = new ArrayList<>();
    long dups = 0;
    for (String id : ids) {
      Answer a = collector.answers().get(id);
      if (a != null) {
        got.add(a);
        dups += collector.copies().getOrDefault(id, 1) - 1;
      }
    }
    Map<String, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> byVersion = new TreeMap<>();
    for (Answer a : got) {
      byStatus.merge(a.result().status().wireName(), 1, Integer::sum);
      if (a.result().version() != null) {
        byVersion.merge(
            a.result().model() + ":" + a.result().version() + "/" + a.result().variant(),
            1,
            Integer::sum);
      }
    }
    long[] latencies = got.stream().mapToLong(Answer::latencyNanos).toArray();
    return new PhaseReport(
        plan.name(),
        plan.requests(),
        got.size(),
        dups,
        byStatus,
        byVersion,
        LatencyStats.ofNanos(latencies),
        plan.ratePerSecond(),
        steadyRate(got),
        (sent.endNanos() - sent.startNanos()) / 1e9,
        sent.maxLagMs());
  }

  /** Latency of the answered requests whose intended send time lies in [from, to). */
  public LatencyStats latencyOfSentBetween(Set<String> ids, long fromNanos, long toNanos) {
    long[] l =
        ids.stream()
            .map(collector.answers()::get)
            .filter(a -> a != null)
            .filter(
                a -> {
                  long sent = a.receivedNanos() - a.latencyNanos();
                  return sent >= fromNanos && sent < toNanos;
                })
            .mapToLong(Answer::latencyNanos)
            .toArray();
    return LatencyStats.ofNanos(l);
  }

  /** Answers per second over the middle 80% of arrivals. */
  static double steadyRate(List<Answer> answers) {
    if (answers.size() < 10) {
      return 0;
    }
    long[] t = answers.stream().mapToLong(Answer::receivedNanos).toArray();
    Arrays.sort(t);
    int lo = (int) (t.length * 0.1);
    int hi = (int) (t.length * 0.9);
    double seconds = (t[hi] - t[lo]) / 1e9;
    return seconds <= 0 ? 0 : (hi - lo) / seconds;
  }

  public ResultCollector collector() {
    return collector;
  }

  public OpenLoopProducer producer() {
    return producer;
  }

  public SendLog sendLog() {
    return sendLog;
  }

  @Override
  public void close() {
    producer.close();
    collector.close();
  }

  /**
   * When a phase's sending started and ended ({@link System#nanoTime()}) and how far it lagged.
   *
   * @param startNanos first send
   * @param endNanos all sends acknowledged
   * @param maxLagMs the producer's worst lag behind schedule
   */
  public record SendStats(long startNanos, long endNanos, double maxLagMs) {}
}
