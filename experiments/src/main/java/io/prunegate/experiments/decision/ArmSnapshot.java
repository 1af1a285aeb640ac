package io.prunegate.experiments.decision;

import io.prunegate.experiments.stats.ArmTally;
import java.util.OptionalDouble;

/**
 * Everything the judge reads about one arm at one moment: its labelled tally, its p99 latency (if
 * measured yet) and how many requests it failed.
 *
 * @param tally answers, labels and correct answers
 * @param latencyP99Ms the arm's p99 latency in milliseconds, empty while unknown
 * @param errors requests the arm failed (status {@code error}); not counted in the tally's answers
 */
public record ArmSnapshot(ArmTally tally, OptionalDouble latencyP99Ms, long errors) {

  public ArmSnapshot {
    if (tally == null || latencyP99Ms == null) {
      throw new IllegalArgumentException("tally and latency must not be null");
    }
    if (errors < 0) {
      throw new IllegalArgumentException("errors must be >= 0, was " + errors);
    }
  }

  /** An arm with a tally and nothing else measured. */
  public static ArmSnapshot of(ArmTally tally) {
    return new ArmSnapshot(tally, OptionalDouble.empty(), 0);
  }

  /** Requests the arm handled: answered plus failed. */
  public long requests() {
    return tally.answered() + errors;
  }

  /** The share of its requests the arm failed; 0 while it has none. */
  public double errorRate() {
    long n = requests();
    return n == 0 ? 0 : (double) errors / n;
  }
}
