package io.prunegate.standalone.demo;

import io.prunegate.events.ClassificationResult;
import io.prunegate.loadtest.Answer;
import io.prunegate.loadtest.LatencyStats;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.PhaseReport;
import io.prunegate.pruner.data.LabelledDataset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams the demo's labelled test texts through Kafka with the load-tests producer and reads the
 * results back with its collector: request {@code i} of a phase carries test text {@code i mod n},
 * so each answer can be scored against its label. Used for the live traffic while the pruner works
 * and for the per-alias measurements of the summary.
 */
public final class TrafficMeter {

  private final LoadRun run;
  private final String model;
  private final LabelledDataset test;

  /** A meter sending {@code test}'s texts for {@code model} through {@code run}. */
  public TrafficMeter(LoadRun run, String model, LabelledDataset test) {
    this.run = run;
    this.model = model;
    this.test = test;
  }

  /** The plan of a phase sending {@code requests} test texts to {@code ref} at {@code rate}. */
  public LoadPlan plan(String name, String ref, int requests, double rate) {
    return new LoadPlan(name, requests, rate, ref, test.texts(), 0, 0);
  }

  /** Sends a phase, waits for its answers and reports it. */
  public PhaseReport send(LoadPlan plan, Duration timeout) {
    return run.run(plan, timeout);
  }

  /**
   * Measures one version, addressed as {@code model:version} so routing shares cannot mix variants:
   * a burst of {@code requests} requests sent as fast as the producer takes them (throughput =
   * answers over the time from the first send to the last answer; accuracy), then the same number
   * paced at {@code pacedRate} per second (latency without queueing behind the burst). A {@code
   * pacedRate <= 0} means half the burst's throughput.
   */
  public AliasMeasurement measure(
      String alias, int version, int requests, double pacedRate, Duration timeout) {
    String ref = model + ":" + version;
    // Request ids derive from the plan's name: one name per version, since an alias (candidate)
    // is measured at several versions.
    String phase = alias + "-v" + version;
    LoadPlan burst = plan(phase + "-burst", ref, requests, 0);
    PhaseReport b = run.run(burst, timeout);
    Score sb = score(burst);
    double throughput = sb.throughput();
    double rate = pacedRate > 0 ? pacedRate : Math.max(1, throughput / 2);
    LoadPlan paced = plan(phase + "-paced", ref, requests, rate);
    PhaseReport p = run.run(paced, timeout);
    Score sp = score(paced);
    Map<String, Integer> servedBy = new TreeMap<>();
    sb.byVersion.forEach((k, v) -> servedBy.merge(k, v, Integer::sum));
    sp.byVersion.forEach((k, v) -> servedBy.merge(k, v, Integer::sum));
    double exitSum = sb.exitSum + sp.exitSum;
    int exitCount = sb.exitCount + sp.exitCount;
    return new AliasMeasurement(
        alias,
        b.sent() + p.sent(),
        b.answered() + p.answered(),
        sb.ok + sp.ok,
        sb.correct + sp.correct,
        throughput,
        rate,
        sp.latency(),
        servedBy,
        exitCount == 0 ? Double.NaN : exitSum / exitCount);
  }

  /** Scores the answers of a finished phase against the test labels. */
  public Score score(LoadPlan plan) {
    Score s = new Score();
    Map<String, Answer> answers = run.collector().answers();
    for (int i = 0; i < plan.requests(); i++) {
      Answer a = answers.get(run.runId() + "-" + plan.name() + "-" + i);
      if (a == null) {
        continue;
      }
      s.answered++;
      ClassificationResult r = a.result();
      if (!"ok".equals(r.status().wireName())) {
        continue;
      }
      s.ok++;
      String expected = test.labelNames().get(test.labels().get(i % test.size()));
      if (expected.equals(r.label())) {
        s.correct++;
      }
      s.servedBy.merge(served(r), 1, Integer::sum);
      s.byVersion.merge("v" + r.version(), 1, Integer::sum);
      long sent = a.receivedNanos() - a.latencyNanos();
      s.firstSentNanos = Math.min(s.firstSentNanos, sent);
      s.lastReceivedNanos = Math.max(s.lastReceivedNanos, a.receivedNanos());
      if (r.exitLayer() != null) {
        s.exitSum += r.exitLayer();
        s.exitCount++;
      }
      s.latenciesNanos.add(a.latencyNanos());
    }
    return s;
  }

  /** {@code v<version>/<variant>} of a result. */
  static String served(ClassificationResult r) {
    return "v" + r.version() + "/" + r.variant();
  }

  /** Tallies of one phase's answers. */
  public static final class Score {
    int answered;
    int ok;
    int correct;
    double exitSum;
    int exitCount;
    long firstSentNanos = Long.MAX_VALUE;
    long lastReceivedNanos = Long.MIN_VALUE;
    final Map<String, Integer> servedBy = new TreeMap<>();
    final Map<String, Integer> byVersion = new TreeMap<>();
    final List<Long> latenciesNanos = new ArrayList<>();

    /** Requests answered. */
    public int answered() {
      return answered;
    }

    /** Answers with status ok. */
    public int ok() {
      return ok;
    }

    /** Ok answers matching the test label. */
    public int correct() {
      return correct;
    }

    /** Ok answers by {@code v<version>/<variant>}. */
    public Map<String, Integer> servedBy() {
      return servedBy;
    }

    /** Ok answers per second from the first intended send to the last answer read. */
    public double throughput() {
      if (ok == 0 || lastReceivedNanos <= firstSentNanos) {
        return 0;
      }
      return ok / ((lastReceivedNanos - firstSentNanos) / 1e9);
    }

    /** Latency statistics of the scored answers. */
    public LatencyStats latency() {
      return LatencyStats.ofNanos(latenciesNanos.stream().mapToLong(Long::longValue).toArray());
    }
  }
}
