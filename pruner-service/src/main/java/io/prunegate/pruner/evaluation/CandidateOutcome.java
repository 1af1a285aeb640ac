package io.prunegate.pruner.evaluation;

/**
 * What evaluating a candidate came to: measured, or rejected with the reason it can never be served
 * (its outputs are NaN or infinite). A rejected candidate is a verdict, not a failure of the job:
 * the job goes on with the other candidates and reports the reason.
 */
public sealed interface CandidateOutcome {

  /** The candidate ran and was measured. */
  record Measured(VariantEvaluation evaluation) implements CandidateOutcome {}

  /** The candidate must not be registered nor served; {@code reason} says why. */
  record Rejected(String reason) implements CandidateOutcome {}
}
