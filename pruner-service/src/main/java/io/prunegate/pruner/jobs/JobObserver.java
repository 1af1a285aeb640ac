package io.prunegate.pruner.jobs;

import io.prunegate.registry.Job;

/**
 * Watches the jobs a {@link io.prunegate.pruner.service.PrunerService} runs (the standalone demo
 * prints them; tests wait on them). Called on the worker's thread: keep it quick and never throw.
 */
public interface JobObserver {

  /** A job was claimed and is starting. */
  default void jobStarted(Job job) {}

  /** Progress of a running job, as reported to the registry. */
  default void jobProgress(Job job, double fraction, String message) {}

  /**
   * A job ended as the registry records it: {@code finished} (its result lists the variants, the
   * best one and the report) or {@code failed} (its error says why).
   */
  default void jobEnded(Job job) {}

  /** This worker stopped working on a job without ending it (lease lost, shutdown). */
  default void jobAbandoned(Job job, String reason) {}
}
