package io.prunegate.gateway.swap;

/**
 * What became of one alias change.
 *
 * @param model the model
 * @param alias the alias
 * @param fromVersion the version it served before (null: none)
 * @param toVersion the version asked for (null: alias removed)
 * @param outcome {@code swapped}, {@code unchanged}, {@code superseded} (a later change came
 *     first), {@code removed}, {@code kept} (champion removal ignored) or {@code failed}
 * @param error why it failed, else null
 * @param millis wall time of the change, load included
 */
public record SwapReport(
    String model,
    String alias,
    Integer fromVersion,
    Integer toVersion,
    String outcome,
    String error,
    long millis) {

  public boolean failed() {
    return "failed".equals(outcome);
  }
}
