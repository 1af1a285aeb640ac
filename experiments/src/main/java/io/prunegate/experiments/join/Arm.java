package io.prunegate.experiments.join;

/**
 * The two arms of an {@link Experiment}: the champion, and the version under test (a challenger or
 * a shadow).
 */
public enum Arm {
  CHAMPION,
  CHALLENGER
}
