package io.prunegate.experiments.service;

import io.prunegate.experiments.action.ActionOutcome;
import io.prunegate.experiments.action.VerdictActions;
import io.prunegate.experiments.decision.ArmSnapshot;
import io.prunegate.experiments.decision.ExperimentJudge;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.Arm;
import io.prunegate.experiments.join.Experiment;
import io.prunegate.experiments.join.ExperimentStore;
import io.prunegate.experiments.policy.DecisionPolicy;
import io.prunegate.experiments.stats.Agreement;
import io.prunegate.experiments.stats.Interval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over every open experiment: judge it by its model's rules and, once the verdict is
 * final, act on it once (through {@link VerdictActions}, or not at all with {@code --no-act}). The
 * service runs a pass every judge interval; the confidence sequence is valid however often it is
 * looked at, so judging often costs no error rate. A failed action (registry down) is retried on
 * the next pass; a decided experiment is not judged again. What a restart forgets is recovered from
 * the registry: a promotion or rollback that moved the aliases ended its experiment there.
 */
public final class JudgeLoop {

  private static final Logger LOG = LoggerFactory.getLogger(JudgeLoop.class);

  /** Statuses kept for reporting, the oldest dropped first (bounds memory and metric series). */
  static final int KEPT = 200;

  private final Supplier<ExperimentStore> stores;
  private final DecisionPolicy policy;
  private final VerdictActions actions;
  private final LongSupplier clockMs;
  private final ExperimentMetrics metrics;
  private final Map<String, ExperimentStatus> statuses = new LinkedHashMap<>();
  private ExperimentStore store;

  /**
   * A loop reading {@code stores} (asked again after a failure: Kafka Streams replaces its stores
   * on a rebalance), judging by {@code policy}, acting through {@code actions} (null: judge only)
   * and reporting to {@code metrics}.
   */
  public JudgeLoop(
      Supplier<ExperimentStore> stores,
      DecisionPolicy policy,
      VerdictActions actions,
      LongSupplier clockMs,
      ExperimentMetrics metrics) {
    this.stores = stores;
    this.policy = policy;
    this.actions = actions;
    this.clockMs = clockMs;
    this.metrics = metrics;
  }

  /** One pass; returns the experiments judged in it. */
  public synchronized List<ExperimentStatus> pass() {
    if (store == null) {
      store = stores.get();
    }
    List<ExperimentStatus> judged = new ArrayList<>();
    for (String model : store.models()) {
      for (Experiment e : store.experiments(model)) {
        if (!e.isOpen()) {
          continue;
        }
        ExperimentStatus previous = statuses.get(e.id());
        if (previous != null
            && previous.decided()
            && (actions == null || previous.action() != null)) {
          continue;
        }
        ExperimentStatus now = judge(e);
        statuses.put(e.id(), now);
        judged.add(now);
      }
    }
    while (statuses.size() > KEPT) {
      statuses.remove(statuses.keySet().iterator().next());
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String name : metrics.joinCounterNames()) {
      counts.put(name, store.counter(name));
    }
    metrics.update(List.copyOf(statuses.values()), counts);
    return judged;
  }

  /** Forgets the store (after Kafka Streams replaced it); the next pass asks again. */
  public synchronized void resetStore() {
    store = null;
  }

  /** The last status of every experiment judged since start, in the order first seen. */
  public synchronized List<ExperimentStatus> statuses() {
    return List.copyOf(statuses.values());
  }

  private ExperimentStatus judge(Experiment e) {
    long now = clockMs.getAsLong();
    ExperimentJudge judge = new ExperimentJudge(policy.rulesFor(e.model()));
    ArmSnapshot champion = store.snapshot(e, Arm.CHAMPION);
    ArmSnapshot challenger = store.snapshot(e, Arm.CHALLENGER);
    Duration elapsed = Duration.ofMillis(Math.max(0, now - e.startMs()));
    Agreement agreement = Agreement.NONE;
    Verdict verdict;
    if (e.kind() == Experiment.Kind.SHADOW) {
      agreement = store.agreement(e);
      verdict = judge.judgeShadow(champion, challenger, agreement, elapsed);
    } else {
      verdict = judge.judge(champion, challenger, elapsed);
    }
    Interval difference =
        champion.tally().labelled() > 0 && challenger.tally().labelled() > 0
            ? judge.difference(champion.tally(), challenger.tally())
            : null;
    ActionOutcome action = null;
    if (verdict.isFinal()) {
      ExperimentStatus earlier = statuses.get(e.id());
      if (earlier == null || !earlier.decided()) {
        metrics.verdictReached(verdict);
        LOG.info(
            "experiment decided id={} verdict={} reason={}",
            e.id(),
            verdict.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT),
            verdict.reason());
      }
      if (actions != null) {
        try {
          action = actions.apply(e, verdict);
          metrics.acted(action);
          LOG.info(
              "experiment acted id={} result={} changes={} {}",
              e.id(),
              action.result(),
              action.changes(),
              action.note());
        } catch (RuntimeException failed) {
          // the registry is down or refused: the next pass tries again
          metrics.actionFailed();
          LOG.warn("experiment action failed id={} error={}", e.id(), failed.toString());
        }
      }
    }
    return new ExperimentStatus(
        e, champion, challenger, difference, agreement, verdict, action, now);
  }
}
