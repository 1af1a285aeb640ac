package io.prunegate.pruner.jobs;

import io.prunegate.pruner.progress.ProgressListener;

/**
 * The stages of one job, in the order {@link JobRunner} runs them, each with its share of the job's
 * progress. A stage's range starts where the previous one ends, so the progress a job reports only
 * grows and changing one weight cannot make two stages overlap; the weights add up to 1.
 */
enum JobStage {
  /** Reading the policy and checking that this build can run its methods. */
  PREPARING(0.01),
  /** Downloading the parent version. */
  DOWNLOADING(0.03),
  /** Reading the dataset and the calibration text. */
  READING_DATA(0.01),
  /** Running the policy's methods, an equal part each. */
  COMPRESSING(0.60),
  /** Building the parent's own classifier when no method produced a baseline. */
  BASELINE(0.03),
  /** Evaluating and registering every candidate, an equal part each. */
  EVALUATING(0.29),
  /** Writing the report, moving the alias and finishing the job. */
  REPORTING(0.03);

  private final double weight;

  JobStage(double weight) {
    this.weight = weight;
  }

  /** Where this stage's range starts: the sum of the weights before it. */
  double start() {
    double s = 0;
    for (JobStage st : values()) {
      if (st == this) {
        return s;
      }
      s += st.weight;
    }
    throw new AssertionError(this);
  }

  /** Reports that this stage begins. */
  void begin(ProgressListener job, String message) {
    job.update(start(), message);
  }

  /** A listener for the whole of this stage's range. */
  ProgressListener range(ProgressListener job) {
    return job.slice(start(), start() + weight);
  }

  /** A listener for part {@code i} of {@code n} equal parts of this stage's range. */
  ProgressListener part(ProgressListener job, int i, int n) {
    double span = weight / n;
    return job.slice(start() + i * span, start() + (i + 1) * span);
  }

  /** Reports that part {@code i} of {@code n} equal parts of this stage begins. */
  void beginPart(ProgressListener job, int i, int n, String message) {
    job.update(start() + i * (weight / n), message);
  }
}
