package io.prunegate.experiments.decision;

/**
 * What the judge says about an experiment now. {@link Promote}, {@link Rollback} and {@link
 * Inconclusive} end it (the service then acts through the registry); {@link Continue} means more
 * data is needed. Every verdict carries a reason an operator can read, with the numbers behind it.
 */
public sealed interface Verdict {

  /** Why the judge said this. */
  String reason();

  /** True when the verdict ends the experiment. */
  default boolean isFinal() {
    return !(this instanceof Continue);
  }

  /**
   * The challenger is not worse than the champion by more than the margin, and every guard holds.
   *
   * @param reason the evidence
   */
  record Promote(String reason) implements Verdict {}

  /**
   * The challenger is worse than the champion by more than the margin, or it broke a guard.
   *
   * @param reason the evidence
   */
  record Rollback(String reason) implements Verdict {}

  /**
   * The maximum duration passed without either verdict: the champion stays, the challenger is
   * neither promoted nor judged worse.
   *
   * @param reason the state at the end
   */
  record Inconclusive(String reason) implements Verdict {}

  /**
   * Not yet: waiting for labels, latency figures, or for the interval to clear the margin.
   *
   * @param reason what is being waited for (a fixed text, cheap enough to give after every label)
   */
  record Continue(String reason) implements Verdict {}
}
