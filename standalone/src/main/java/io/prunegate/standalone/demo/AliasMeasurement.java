package io.prunegate.standalone.demo;

import io.prunegate.loadtest.LatencyStats;
import java.util.Map;

/**
 * What the demo measured for one alias of the model, all through Kafka: a burst of the test texts
 * sent as fast as the producer takes them (throughput and accuracy), then the same texts sent at a
 * fixed rate below capacity (latency without queueing behind the burst).
 *
 * @param alias the alias whose version was measured (addressed as {@code model:version})
 * @param sent requests sent over both phases
 * @param answered requests answered (first answer per id) over both phases
 * @param ok answers with status {@code ok}
 * @param correct ok answers whose label matches the test label
 * @param throughputPerSecond ok answers per second of the burst, from its first send to its last
 *     answer
 * @param pacedRate the send rate of the latency phase, requests per second
 * @param latency end-to-end latency of the paced phase (intended send time to result read)
 * @param servedBy ok answers by {@code v<version>}
 * @param meanExitLayer mean {@code exit_layer} of the ok answers (NaN when none reported)
 */
public record AliasMeasurement(
    String alias,
    int sent,
    int answered,
    int ok,
    int correct,
    double throughputPerSecond,
    double pacedRate,
    LatencyStats latency,
    Map<String, Integer> servedBy,
    double meanExitLayer) {

  public AliasMeasurement {
    servedBy = Map.copyOf(servedBy);
  }

  /** Accuracy of the ok answers on the test labels. */
  public double accuracy() {
    return ok == 0 ? 0 : (double) correct / ok;
  }

  /** Requests sent and never answered. */
  public int missing() {
    return sent - answered;
  }
}
