package io.prunegate.pruner.llmpruner;

import java.util.Locale;

/**
 * How the scores of a group's coupled structures (q/k/v rows and o columns of a kv group; gate/up
 * rows and the down column of an FFN channel) combine into the group's importance.
 */
public enum GroupAggregation {
  /** The sum over the group's structures (the default). */
  SUM,
  /** The mean over the group's structures. */
  MEAN,
  /** The largest structure score. */
  MAX;

  /** Combines {@code scores}, one per structure of the group. */
  double combine(double[] scores, int count) {
    double acc = this == MAX ? Double.NEGATIVE_INFINITY : 0;
    for (int i = 0; i < count; i++) {
      acc = this == MAX ? Math.max(acc, scores[i]) : acc + scores[i];
    }
    return this == MEAN ? acc / count : acc;
  }

  /** Parses {@code sum}, {@code mean} or {@code max}. */
  public static GroupAggregation parse(String text) {
    try {
      return valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown group aggregation '" + text + "' (sum|mean|max)", e);
    }
  }
}
