package io.prunegate.standalone.demo;

import io.prunegate.experiments.decision.ArmSnapshot;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.service.ExperimentStatus;
import java.util.Locale;

/**
 * The summary's lines about the A/B experiment: both arms, the interval, the verdict, the action.
 */
final class ExperimentReport {

  private ExperimentReport() {}

  /** {@code promote}, {@code rollback}, {@code inconclusive} or {@code continue}. */
  static String verdictName(Verdict v) {
    return v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  static String render(AbExperiment.Outcome o) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "A/B experiment: %d test tickets sent to the bare model name, %d labels sent after their"
                + " answers\n",
            o.sent(),
            o.labelled()));
    sb.append("  policy: ").append(o.policyLine()).append('\n');
    if (o.status().isEmpty()) {
      sb.append("  not judged yet (the join had not seen the experiment)\n");
    } else {
      ExperimentStatus s = o.status().get();
      sb.append("  experiment ").append(s.experiment().id()).append('\n');
      sb.append("  champion   v").append(s.experiment().championVersion()).append(": ");
      arm(sb, s.champion());
      sb.append("  challenger v").append(s.experiment().challengerVersion()).append(": ");
      arm(sb, s.challenger());
      if (s.difference() != null) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  challenger - champion: [%+.1f, %+.1f] points (95%%, anytime-valid)\n",
                100 * s.difference().lower(),
                100 * s.difference().upper()));
      }
      if (s.decided()) {
        sb.append("  verdict: ")
            .append(verdictName(s.verdict()))
            .append(" (")
            .append(s.verdict().reason())
            .append(")\n");
      } else {
        sb.append("  no verdict: every label is in and ")
            .append(s.verdict().reason())
            .append("; the aliases stay as they are (more labels, or the maximum duration,")
            .append(" would decide)\n");
      }
      if (s.action() != null) {
        sb.append("  registry: ")
            .append(s.action().result().name().toLowerCase(Locale.ROOT))
            .append(' ')
            .append(s.action().changes())
            .append(s.action().note().isEmpty() ? "" : " " + s.action().note())
            .append('\n');
      }
    }
    sb.append("  champion afterwards: v").append(o.championAfter()).append('\n');
    return sb.toString();
  }

  private static void arm(StringBuilder sb, ArmSnapshot a) {
    sb.append(
        String.format(
            Locale.ROOT,
            "%d answered, %d labelled, %s%s\n",
            a.tally().answered(),
            a.tally().labelled(),
            a.tally().labelled() == 0
                ? "no labels"
                : String.format(Locale.ROOT, "accuracy %.1f%%", 100 * a.tally().accuracy()),
            a.latencyP99Ms().isPresent()
                ? String.format(Locale.ROOT, ", p99 %.0f ms", a.latencyP99Ms().getAsDouble())
                : ""));
  }
}
