package io.prunegate.pruner.progress;

/**
 * Receives the progress of long work (feature extraction, training, greedy search): a CLI shows a
 * progress bar, a job reports it to the registry. Implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface ProgressListener {

  /** Ignores progress. */
  ProgressListener NONE = (fraction, message) -> {};

  /**
   * @param fraction overall completion in [0, 1]
   * @param message what is being done now, e.g. {@code "features 120/400 batches"}
   */
  void update(double fraction, String message);

  /** A listener for a sub-task occupying [{@code from}, {@code to}] of this one's range. */
  default ProgressListener slice(double from, double to) {
    ProgressListener parent = this;
    return (fraction, message) ->
        parent.update(from + (to - from) * Math.max(0, Math.min(1, fraction)), message);
  }
}
