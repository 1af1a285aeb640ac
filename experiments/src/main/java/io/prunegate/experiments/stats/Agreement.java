package io.prunegate.experiments.stats;

/**
 * How often a shadow gave the champion's answer, over the requests both answered: a label-free
 * signal, available long before labels arrive. Immutable.
 *
 * @param compared requests answered by both
 * @param agreed requests where the two labels were the same, at most {@code compared}
 */
public record Agreement(long compared, long agreed) {

  /** No comparisons yet. */
  public static final Agreement NONE = new Agreement(0, 0);

  public Agreement {
    if (agreed < 0 || compared < agreed) {
      throw new IllegalArgumentException(
          "need 0 <= agreed <= compared, was agreed=" + agreed + " compared=" + compared);
    }
  }

  /** This agreement with one more comparison. */
  public Agreement with(boolean same) {
    return new Agreement(compared + 1, agreed + (same ? 1 : 0));
  }

  /** The share of comparisons that agreed; NaN while there are none. */
  public double rate() {
    return compared == 0 ? Double.NaN : (double) agreed / compared;
  }

  /** The 95% Wilson interval of the agreement rate; [0, 1] while there are none. */
  public Interval interval() {
    return WilsonScore.interval95(agreed, compared);
  }
}
