package io.prunegate.pruner.lora;

import java.util.List;

/**
 * The loss of a recovery run: every step's training loss, the mean per epoch, and the wall time.
 *
 * @param steps training loss of each optimiser step
 * @param epochMeans mean step loss of each epoch
 * @param seconds wall time of the training
 */
public record LossCurve(List<Double> steps, List<Double> epochMeans, double seconds) {

  public LossCurve {
    steps = List.copyOf(steps);
    epochMeans = List.copyOf(epochMeans);
  }

  /** Mean loss of the first and last {@code n} steps, to show the trend in a report. */
  public double headMean(int n) {
    return steps.subList(0, Math.min(n, steps.size())).stream()
        .mapToDouble(Double::doubleValue)
        .average()
        .orElse(Double.NaN);
  }

  public double tailMean(int n) {
    return steps.subList(Math.max(0, steps.size() - n), steps.size()).stream()
        .mapToDouble(Double::doubleValue)
        .average()
        .orElse(Double.NaN);
  }
}
