package io.prunegate.experiments.action;

import java.util.List;

/**
 * What acting on one verdict did to the registry.
 *
 * @param experimentId the experiment ({@code Experiment#id()})
 * @param result whether the change was made now, had been made before, was not made, or none was
 *     due
 * @param changes the registry changes made by this call, in order, e.g. {@code champion -> 4}
 * @param note why nothing or only part was done, or what was found; empty when {@code changes} say
 *     it all
 */
public record ActionOutcome(String experimentId, Result result, List<String> changes, String note) {

  /** How a verdict's action ended. */
  public enum Result {
    /** The aliases and tags now say what the verdict says, changed by this call. */
    APPLIED,
    /** An earlier call (before a crash or a redelivery) had already made every change. */
    ALREADY_APPLIED,
    /**
     * The aliases no longer describe this experiment (moved by hand or by a later experiment):
     * nothing was changed, so a manual decision is never overridden.
     */
    SKIPPED,
    /** The verdict asks for no change (inconclusive, or not final). */
    NO_CHANGE
  }

  public ActionOutcome {
    changes = List.copyOf(changes);
    note = note == null ? "" : note;
  }
}
