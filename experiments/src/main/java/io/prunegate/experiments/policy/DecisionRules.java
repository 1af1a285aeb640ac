package io.prunegate.experiments.policy;

import java.time.Duration;

/**
 * The rules one experiment is judged by, resolved from the policy's defaults and its model's
 * overrides. Every value is validated here, so a judge never sees an impossible rule.
 *
 * @param nonInferiorityMarginPoints how much accuracy the challenger may lose, in points (1.0 = one
 *     percentage point); promotion needs the whole confidence sequence above minus this
 * @param alpha error probability of the confidence sequence over the whole experiment, in (0, 0.5]
 * @param minLabelledPerArm labels each arm needs before any accuracy verdict (and requests before
 *     any guard verdict); at least 30, because the sequence's coverage is asymptotic
 * @param maxDuration how long an experiment may run before it is declared inconclusive
 * @param latencyGuard whether the latency guard is applied
 * @param latencyGuardP99Factor the challenger's p99 latency may be at most this times the
 *     champion's
 * @param errorRateGuardPoints the challenger's error rate may exceed the champion's by at most this
 *     many points
 * @param labelFreeMinAgreement a shadow is promoted without labels when the lower 95% Wilson bound
 *     of its agreement with the champion reaches this
 * @param labelFreeMinComparisons ... on at least this many compared requests
 * @param plannedLabelsPerArm the labels per arm at which the confidence sequence is tuned to be
 *     narrowest (its mixture parameter); the size at which a verdict is expected
 */
public record DecisionRules(
    double nonInferiorityMarginPoints,
    double alpha,
    long minLabelledPerArm,
    Duration maxDuration,
    boolean latencyGuard,
    double latencyGuardP99Factor,
    double errorRateGuardPoints,
    double labelFreeMinAgreement,
    long labelFreeMinComparisons,
    long plannedLabelsPerArm) {

  /** The rules a policy without any field gets. */
  public static final DecisionRules DEFAULTS =
      new DecisionRules(1.0, 0.05, 200, Duration.ofDays(7), true, 1.5, 1.0, 0.97, 1000, 5000);

  public DecisionRules {
    if (!(nonInferiorityMarginPoints >= 0 && nonInferiorityMarginPoints < 100)) {
      throw new DecisionPolicyException(
          "non_inferiority_margin_points",
          "must be at least 0 and below 100, was " + nonInferiorityMarginPoints);
    }
    if (!(alpha > 0 && alpha <= 0.5)) {
      throw new DecisionPolicyException("alpha", "must be in (0, 0.5], was " + alpha);
    }
    if (minLabelledPerArm < 30) {
      throw new DecisionPolicyException(
          "min_labelled_per_arm",
          "must be at least 30 (the interval is asymptotic), was " + minLabelledPerArm);
    }
    if (maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
      throw new DecisionPolicyException("max_duration", "must be positive, was " + maxDuration);
    }
    if (!(latencyGuardP99Factor > 0 && latencyGuardP99Factor <= 1000)) {
      throw new DecisionPolicyException(
          "latency_guard_p99_factor", "must be in (0, 1000], was " + latencyGuardP99Factor);
    }
    if (!(errorRateGuardPoints >= 0 && errorRateGuardPoints <= 100)) {
      throw new DecisionPolicyException(
          "error_rate_guard_points", "must be between 0 and 100, was " + errorRateGuardPoints);
    }
    if (!(labelFreeMinAgreement > 0 && labelFreeMinAgreement <= 1)) {
      throw new DecisionPolicyException(
          "label_free_min_agreement", "must be in (0, 1], was " + labelFreeMinAgreement);
    }
    if (labelFreeMinComparisons < 1) {
      throw new DecisionPolicyException(
          "label_free_min_comparisons", "must be at least 1, was " + labelFreeMinComparisons);
    }
    if (plannedLabelsPerArm < 1) {
      throw new DecisionPolicyException(
          "planned_labels_per_arm", "must be at least 1, was " + plannedLabelsPerArm);
    }
  }

  /** The margin as a fraction (1.0 point is 0.01). */
  public double margin() {
    return nonInferiorityMarginPoints / 100;
  }

  /** The error-rate guard's allowance as a fraction. */
  public double errorRateAllowance() {
    return errorRateGuardPoints / 100;
  }

  /**
   * These rules with the fields that {@code overrides} sets replaced; a failure names the field
   * under {@code path} ({@code models.support-tickets.alpha}).
   */
  public DecisionRules with(RuleOverrides overrides, String path) {
    if (overrides == null) {
      return this;
    }
    try {
      return new DecisionRules(
          pick(overrides.nonInferiorityMarginPoints(), nonInferiorityMarginPoints),
          pick(overrides.alpha(), alpha),
          pick(overrides.minLabelledPerArm(), minLabelledPerArm),
          overrides.maxDuration() == null
              ? maxDuration
              : RuleOverrides.parseDuration(overrides.maxDuration()),
          pick(overrides.latencyGuard(), latencyGuard),
          pick(overrides.latencyGuardP99Factor(), latencyGuardP99Factor),
          pick(overrides.errorRateGuardPoints(), errorRateGuardPoints),
          pick(overrides.labelFreeMinAgreement(), labelFreeMinAgreement),
          pick(overrides.labelFreeMinComparisons(), labelFreeMinComparisons),
          pick(overrides.plannedLabelsPerArm(), plannedLabelsPerArm));
    } catch (DecisionPolicyException e) {
      throw new DecisionPolicyException(
          path.isEmpty() ? e.field() : path + "." + e.field(), e.detail());
    }
  }

  /** All of these rules as overrides (the form the policy file is written in). */
  public RuleOverrides asOverrides() {
    return new RuleOverrides(
        nonInferiorityMarginPoints,
        alpha,
        minLabelledPerArm,
        RuleOverrides.formatDuration(maxDuration),
        latencyGuard,
        latencyGuardP99Factor,
        errorRateGuardPoints,
        labelFreeMinAgreement,
        labelFreeMinComparisons,
        plannedLabelsPerArm);
  }

  private static double pick(Double v, double fallback) {
    return v == null ? fallback : v;
  }

  private static long pick(Long v, long fallback) {
    return v == null ? fallback : v;
  }

  private static boolean pick(Boolean v, boolean fallback) {
    return v == null ? fallback : v;
  }
}
