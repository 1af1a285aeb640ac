package io.prunegate.pruner.llmpruner;

import java.util.Locale;

/**
 * How LLM-Pruner scores one coupled structure (a row or column slice of a projection) from a weight
 * {@code w}, the gradient {@code g} of the calibration loss and, for the second order, the diagonal
 * Fisher {@code F} (the mean of squared per-batch gradients) as the Hessian's diagonal.
 */
public enum ImportanceEstimator {
  /** Element-wise first order: {@code sum |w * g|} over the structure's elements (the default). */
  ELEMENT_FIRST_ORDER,
  /** Vector-wise first order: {@code |sum w * g|}, the structure taken as one vector. */
  VECTOR_FIRST_ORDER,
  /** Element-wise second order: {@code sum |w * g - w^2 F / 2|}, F the diagonal Fisher. */
  SECOND_ORDER;

  /** Whether the estimator needs the diagonal Fisher (squared gradients per batch). */
  public boolean needsFisher() {
    return this == SECOND_ORDER;
  }

  /**
   * The per-element contribution summed over a structure; {@link #VECTOR_FIRST_ORDER} keeps the
   * sign here and takes the absolute value of the structure's sum ({@link #finish}).
   */
  double element(float w, float g, float fisher) {
    return switch (this) {
      case ELEMENT_FIRST_ORDER -> Math.abs((double) w * g);
      case VECTOR_FIRST_ORDER -> (double) w * g;
      case SECOND_ORDER -> Math.abs((double) w * g - 0.5 * (double) w * w * fisher);
    };
  }

  /** The structure's score from the sum of its elements' contributions. */
  double finish(double sum) {
    return this == VECTOR_FIRST_ORDER ? Math.abs(sum) : sum;
  }

  /** Parses {@code element} / {@code first}, {@code vector} or {@code second} (CLI values). */
  public static ImportanceEstimator parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "element", "first", "element-first-order", "param-first" -> ELEMENT_FIRST_ORDER;
      case "vector", "vector-first-order", "vectorize" -> VECTOR_FIRST_ORDER;
      case "second", "second-order", "fisher" -> SECOND_ORDER;
      default ->
          throw new IllegalArgumentException(
              "unknown importance estimator '" + text + "' (element|vector|second)");
    };
  }
}
