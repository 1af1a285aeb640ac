package io.prunegate.loadtest;

import java.util.Map;

/**
 * What one load phase measured.
 *
 * @param name the phase
 * @param sent requests sent
 * @param answered distinct ids answered
 * @param duplicates answers beyond the first, over the phase's ids
 * @param byStatus first answers by status ({@code ok}, {@code error}, ...)
 * @param byVersion first ok answers by {@code model:version/variant}
 * @param latency end-to-end latency of the first answers (intended send to arrival)
 * @param targetRate the planned send rate (requests/s; 0 = unthrottled)
 * @param answerRate answers per second over the middle 80% of arrivals (steady-state throughput)
 * @param sendSeconds wall time of the sending
 * @param maxSendLagMs how far the producer fell behind its schedule at worst
 */
public record PhaseReport(
    String name,
    int sent,
    int answered,
    long duplicates,
    Map<String, Integer> byStatus,
    Map<String, Integer> byVersion,
    LatencyStats latency,
    double targetRate,
    double answerRate,
    double sendSeconds,
    double maxSendLagMs) {

  /** Requests never answered. */
  public int missing() {
    return sent - answered;
  }

  /** Answers whose status was not ok. */
  public int notOk() {
    return answered - byStatus.getOrDefault("ok", 0);
  }

  @Override
  public String toString() {
    return String.format(
        "%-12s sent=%d answered=%d missing=%d duplicates=%d target=%.0f/s answered=%.1f/s"
            + " latency[%s] status=%s versions=%s sendLag<=%.0f ms",
        name,
        sent,
        answered,
        missing(),
        duplicates,
        targetRate,
        answerRate,
        latency,
        byStatus,
        byVersion,
        maxSendLagMs);
  }
}
