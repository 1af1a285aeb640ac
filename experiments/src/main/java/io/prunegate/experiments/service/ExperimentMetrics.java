package io.prunegate.experiments.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prunegate.experiments.action.ActionOutcome;
import io.prunegate.experiments.decision.ArmSnapshot;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.JoinCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's Prometheus metrics: per experiment and arm the answered and labelled counts, the
 * accuracy and the p99 latency; per experiment the bounds of the accuracy difference, a shadow's
 * agreement and the state (one series per state, 1 for the current); counts of verdicts, actions
 * and failed actions; and the join's durable counters (duplicates, late and unmatched labels,
 * unattributed answers, malformed records). Series carry model names, experiment ids and arms only;
 * the experiments of a model are bounded by the join's history.
 */
public final class ExperimentMetrics {

  /** The states an experiment can be in, one gauge series each. */
  static final List<String> STATES = List.of("continue", "promote", "rollback", "inconclusive");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge answered;
  private final MultiGauge labelled;
  private final MultiGauge accuracy;
  private final MultiGauge p99;
  private final MultiGauge lower;
  private final MultiGauge upper;
  private final MultiGauge agreement;
  private final MultiGauge state;
  private final Map<String, Long> joinCounts = new ConcurrentHashMap<>();
  private final Counter actionFailures;

  /** Metrics whose join counters include the malformed records of {@code topics}. */
  public ExperimentMetrics(List<String> topics) {
    answered = gauge("prunegate.experiments.answered", "answers attributed to the arm");
    labelled = gauge("prunegate.experiments.labelled", "answers of the arm with a label");
    accuracy = gauge("prunegate.experiments.accuracy", "share of the arm's labelled answers right");
    p99 = gauge("prunegate.experiments.latency.p99.seconds", "p99 latency of the arm's answers");
    lower =
        gauge(
            "prunegate.experiments.difference.lower",
            "lower bound of challenger - champion accuracy (anytime-valid, 1 - alpha)");
    upper =
        gauge(
            "prunegate.experiments.difference.upper",
            "upper bound of challenger - champion accuracy (anytime-valid, 1 - alpha)");
    agreement =
        gauge("prunegate.experiments.shadow.agreement", "share of a shadow's answers = champion's");
    state = gauge("prunegate.experiments.state", "1 for the experiment's current state");
    for (String v : STATES.subList(1, STATES.size())) {
      Counter.builder("prunegate.experiments.verdicts")
          .description("final verdicts reached")
          .tag("verdict", v)
          .register(registry);
    }
    for (ActionOutcome.Result r : ActionOutcome.Result.values()) {
      Counter.builder("prunegate.experiments.actions")
          .description("verdict actions by result")
          .tag("result", r.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    actionFailures =
        Counter.builder("prunegate.experiments.action.failures")
            .description("verdict actions that failed (retried on the next pass)")
            .register(registry);
    List<String> names = new ArrayList<>(counterNames());
    for (String t : topics) {
      names.add(JoinCounters.MALFORMED + t);
    }
    for (String name : names) {
      joinCounts.put(name, 0L);
      io.micrometer.core.instrument.FunctionCounter.builder(
              "prunegate.experiments.join.records",
              joinCounts,
              m -> m.getOrDefault(name, 0L).doubleValue())
          .description("records the join skipped, dropped or could not attribute, by reason")
          .tag("reason", name)
          .register(registry);
    }
  }

  /** The join counters reported (besides the malformed ones per topic). */
  public static List<String> counterNames() {
    return List.of(
        JoinCounters.DUPLICATE_ANSWERS,
        JoinCounters.DUPLICATE_LABELS,
        JoinCounters.LATE_LABELS,
        JoinCounters.UNMATCHED_LABELS,
        JoinCounters.UNATTRIBUTED_ANSWERS,
        JoinCounters.EXPIRED);
  }

  /** The join counter names this instance reports. */
  public List<String> joinCounterNames() {
    return List.copyOf(joinCounts.keySet());
  }

  private MultiGauge gauge(String name, String description) {
    return MultiGauge.builder(name).description(description).register(registry);
  }

  /** Records a final verdict reached for the first time. */
  void verdictReached(Verdict v) {
    registry.counter("prunegate.experiments.verdicts", "verdict", stateOf(v)).increment();
  }

  /** Records what acting on a verdict did. */
  void acted(ActionOutcome o) {
    registry
        .counter(
            "prunegate.experiments.actions", "result", o.result().name().toLowerCase(Locale.ROOT))
        .increment();
  }

  /** Records an action that failed. */
  void actionFailed() {
    actionFailures.increment();
  }

  /** Replaces the gauges with {@code statuses} and the join counters with {@code counts}. */
  public void update(List<ExperimentStatus> statuses, Map<String, Long> counts) {
    List<MultiGauge.Row<?>> a = new ArrayList<>();
    List<MultiGauge.Row<?>> l = new ArrayList<>();
    List<MultiGauge.Row<?>> acc = new ArrayList<>();
    List<MultiGauge.Row<?>> lat = new ArrayList<>();
    List<MultiGauge.Row<?>> lo = new ArrayList<>();
    List<MultiGauge.Row<?>> hi = new ArrayList<>();
    List<MultiGauge.Row<?>> agr = new ArrayList<>();
    List<MultiGauge.Row<?>> st = new ArrayList<>();
    for (ExperimentStatus s : statuses) {
      Tags exp =
          Tags.of(
              "model", s.experiment().model(),
              "experiment", s.experiment().id(),
              "kind", s.experiment().kind().name().toLowerCase(Locale.ROOT));
      arm(exp.and("arm", "champion"), s.champion(), a, l, acc, lat);
      arm(exp.and("arm", "challenger"), s.challenger(), a, l, acc, lat);
      if (s.difference() != null) {
        lo.add(MultiGauge.Row.of(exp, s.difference().lower()));
        hi.add(MultiGauge.Row.of(exp, s.difference().upper()));
      }
      if (s.agreement().compared() > 0) {
        agr.add(MultiGauge.Row.of(exp, s.agreement().rate()));
      }
      String now = stateOf(s.verdict());
      for (String name : STATES) {
        st.add(MultiGauge.Row.of(exp.and("state", name), name.equals(now) ? 1 : 0));
      }
    }
    answered.register(a, true);
    labelled.register(l, true);
    accuracy.register(acc, true);
    p99.register(lat, true);
    lower.register(lo, true);
    upper.register(hi, true);
    agreement.register(agr, true);
    state.register(st, true);
    counts.forEach((k, v) -> joinCounts.computeIfPresent(k, (x, old) -> v));
  }

  private static void arm(
      Tags tags,
      ArmSnapshot arm,
      List<MultiGauge.Row<?>> a,
      List<MultiGauge.Row<?>> l,
      List<MultiGauge.Row<?>> acc,
      List<MultiGauge.Row<?>> lat) {
    a.add(MultiGauge.Row.of(tags, arm.tally().answered()));
    l.add(MultiGauge.Row.of(tags, arm.tally().labelled()));
    if (arm.tally().labelled() > 0) {
      acc.add(MultiGauge.Row.of(tags, arm.tally().accuracy()));
    }
    arm.latencyP99Ms().ifPresent(ms -> lat.add(MultiGauge.Row.of(tags, ms / 1000.0)));
  }

  static String stateOf(Verdict v) {
    return v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  /** The metrics in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }
}
