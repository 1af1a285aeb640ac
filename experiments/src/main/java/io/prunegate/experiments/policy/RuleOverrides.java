package io.prunegate.experiments.policy;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * One block of rules as written in the policy file: the {@code defaults} block or one model's block
 * under {@code models}. A field left out (null here) inherits: a model's block from the defaults,
 * the defaults from {@link DecisionRules#DEFAULTS}. An explicit JSON null is refused when reading,
 * so that a typo cannot silently mean "inherit".
 *
 * @param nonInferiorityMarginPoints see {@link DecisionRules}
 * @param alpha see {@link DecisionRules}
 * @param minLabelledPerArm see {@link DecisionRules}
 * @param maxDuration an ISO-8601 duration ({@code P7D}, {@code PT36H})
 * @param latencyGuard see {@link DecisionRules}
 * @param latencyGuardP99Factor see {@link DecisionRules}
 * @param errorRateGuardPoints see {@link DecisionRules}
 * @param labelFreeMinAgreement see {@link DecisionRules}
 * @param labelFreeMinComparisons see {@link DecisionRules}
 * @param plannedLabelsPerArm see {@link DecisionRules}
 */
public record RuleOverrides(
    Double nonInferiorityMarginPoints,
    Double alpha,
    Long minLabelledPerArm,
    String maxDuration,
    Boolean latencyGuard,
    Double latencyGuardP99Factor,
    Double errorRateGuardPoints,
    Double labelFreeMinAgreement,
    Long labelFreeMinComparisons,
    Long plannedLabelsPerArm) {

  /** Overrides that change nothing. */
  public static final RuleOverrides NONE =
      new RuleOverrides(null, null, null, null, null, null, null, null, null, null);

  static Duration parseDuration(String text) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new DecisionPolicyException(
          "max_duration", "must be an ISO-8601 duration such as P7D or PT36H, was '" + text + "'");
    }
  }

  /** Whole days as {@code P7D}, anything else as {@link Duration#toString()} ({@code PT36H}). */
  static String formatDuration(Duration d) {
    return d.toSeconds() % 86_400 == 0 && d.getNano() == 0 ? "P" + d.toDays() + "D" : d.toString();
  }
}
