package io.prunegate.config;

import java.time.Duration;

/**
 * A check of a bound value. It throws {@link IllegalArgumentException} with a message that reads
 * after the option's name ({@code "must be >= 1, was 0"}); the binder prefixes the flag and the
 * environment variable, so the message need not repeat them.
 */
@FunctionalInterface
public interface Validator<T> {

  /** Throws {@link IllegalArgumentException} when {@code value} is not acceptable. */
  void check(T value);

  /** Accepts everything. */
  static <T> Validator<T> any() {
    return v -> {};
  }

  /** An integer of at least {@code min}. */
  static Validator<Integer> atLeast(int min) {
    return v -> {
      if (v < min) {
        throw new IllegalArgumentException("must be >= " + min + ", was " + v);
      }
    };
  }

  /** An integer in {@code min..max}. */
  static Validator<Integer> between(int min, int max) {
    return v -> {
      if (v < min || v > max) {
        throw new IllegalArgumentException("must be " + min + ".." + max + ", was " + v);
      }
    };
  }

  /** A size of at least one byte. */
  static Validator<Long> positiveSize() {
    return v -> {
      if (v < 1) {
        throw new IllegalArgumentException("must be positive, was " + v);
      }
    };
  }

  /** A duration of at least {@code min}. */
  static Validator<Duration> atLeast(Duration min) {
    return v -> {
      if (v.compareTo(min) < 0) {
        throw new IllegalArgumentException("must be at least " + min + ", was " + v);
      }
    };
  }

  /** A duration above zero. */
  static Validator<Duration> positiveDuration() {
    return v -> {
      if (v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException("must be positive, was " + v);
      }
    };
  }
}
