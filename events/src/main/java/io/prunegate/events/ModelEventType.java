package io.prunegate.events;

import java.util.Optional;

/**
 * The model-event types this version knows. The wire carries the type as a string so that newer
 * producers can add types that older consumers skip (see {@link #fromWire(String)}).
 */
public enum ModelEventType {
  /** A model entry (name, task, labels) was created; it has no servable version yet. */
  MODEL_CREATED("model.created"),
  /** A base version (no parent) was registered with its artifacts: the pruner compresses it. */
  MODEL_REGISTERED("model.registered"),
  /** A derived version (a compressed variant of a parent version) was registered. */
  VARIANT_REGISTERED("variant.registered"),
  /** An alias was set or moved to a version. */
  ALIAS_MOVED("alias.moved"),
  /** An alias was removed. */
  ALIAS_DELETED("alias.deleted"),
  /** A tag of a version was set, changed or removed (a removed tag has a null value). */
  VERSION_TAGGED("version.tagged"),
  /** A compression job was created. */
  JOB_CREATED("job.created"),
  /** A worker claimed a job. */
  JOB_CLAIMED("job.claimed"),
  /** A job finished successfully. */
  JOB_FINISHED("job.finished"),
  /** A job failed; its reason is in the event details. */
  JOB_FAILED("job.failed");

  private final String wireName;

  ModelEventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The known type with this wire name; empty for types from newer producers. */
  public static Optional<ModelEventType> fromWire(String name) {
    for (ModelEventType t : values()) {
      if (t.wireName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
