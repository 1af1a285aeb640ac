package io.prunegate.registry;

import java.util.Optional;

/**
 * States of a compression job: {@code pending} until a worker claims it, {@code claimed} while a
 * worker holds its lease (a claimed job whose lease expired can be claimed again), then {@code
 * finished} or {@code failed} for good.
 */
public enum JobState {
  PENDING("pending"),
  CLAIMED("claimed"),
  FINISHED("finished"),
  FAILED("failed");

  private final String wireName;

  JobState(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in JSON and in the database. */
  public String wireName() {
    return wireName;
  }

  /** True for {@code finished} and {@code failed}. */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED;
  }

  /** The state with this wire name. */
  public static Optional<JobState> fromWire(String name) {
    for (JobState s : values()) {
      if (s.wireName.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
