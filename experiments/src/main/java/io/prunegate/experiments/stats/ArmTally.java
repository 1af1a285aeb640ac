package io.prunegate.experiments.stats;

/**
 * What one arm of an experiment (champion, challenger or shadow) has done so far: requests it
 * answered, how many of those answers have a true label joined to them, and how many of the
 * labelled ones were right. Immutable; the join adds one answer or one label at a time.
 *
 * @param answered answers given (labelled or not)
 * @param labelled answers with a joined true label, at most {@code answered}
 * @param correct labelled answers whose label matched, at most {@code labelled}
 */
public record ArmTally(long answered, long labelled, long correct) {

  /** An arm with nothing yet. */
  public static final ArmTally EMPTY = new ArmTally(0, 0, 0);

  public ArmTally {
    if (correct < 0 || labelled < correct || answered < labelled) {
      throw new IllegalArgumentException(
          "need 0 <= correct <= labelled <= answered, was correct="
              + correct
              + " labelled="
              + labelled
              + " answered="
              + answered);
    }
  }

  /** This tally with one more (unlabelled) answer. */
  public ArmTally withAnswer() {
    return new ArmTally(answered + 1, labelled, correct);
  }

  /** This tally with a label joined to one of its answers, right or wrong. */
  public ArmTally withLabel(boolean right) {
    return new ArmTally(answered, labelled + 1, correct + (right ? 1 : 0));
  }

  /** This tally with an answer that arrives already labelled (both at once). */
  public ArmTally withLabelledAnswer(boolean right) {
    return new ArmTally(answered + 1, labelled + 1, correct + (right ? 1 : 0));
  }

  /** Accuracy on the labelled answers; NaN while there are none. */
  public double accuracy() {
    return labelled == 0 ? Double.NaN : (double) correct / labelled;
  }

  /** The 95% Wilson interval of the accuracy; [0, 1] while there are no labels. */
  public Interval accuracyInterval() {
    return WilsonScore.interval95(correct, labelled);
  }
}
