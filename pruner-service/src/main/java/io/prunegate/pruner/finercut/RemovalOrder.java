package io.prunegate.pruner.finercut;

import io.prunegate.model.config.Sublayer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * FinerCut's result: the greedy removal order, recorded once, so that the variant at any ratio is a
 * prefix of it; with the cost of finding it.
 *
 * @param layers layers of the model (2L sublayers in all)
 * @param criterion the output criterion's name
 * @param steps the removals in order
 * @param sublayerEvaluations sublayer forward calls made by the search (references included)
 * @param naiveSublayerEvaluations what full forwards for every candidate would have made
 * @param wallMillis wall time of the search
 */
public record RemovalOrder(
    int layers,
    String criterion,
    List<RemovalStep> steps,
    long sublayerEvaluations,
    long naiveSublayerEvaluations,
    long wallMillis) {

  public RemovalOrder {
    steps = List.copyOf(steps);
  }

  /** The empty order of an unpruned model (the variant at ratio 0 without a search). */
  public static RemovalOrder none(int layers, String criterion) {
    return new RemovalOrder(layers, criterion, List.of(), 0, 0, 0);
  }

  /** The first {@code count} removed sublayers. */
  public Set<Sublayer> prefix(int count) {
    if (count < 0 || count > steps.size()) {
      throw new IllegalArgumentException(
          "the recorded order has "
              + steps.size()
              + " removals, "
              + count
              + " asked (search further with a larger search ratio)");
    }
    Set<Sublayer> out = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      out.add(steps.get(i).removed());
    }
    return out;
  }

  /** The sublayers removed at {@code ratio} of all 2L sublayers. */
  public Set<Sublayer> atRatio(double ratio) {
    return prefix(FinerCutOptions.removals(ratio, layers));
  }

  /** The removed sublayers in order. */
  public List<Sublayer> sequence() {
    return steps.stream().map(RemovalStep::removed).toList();
  }
}
