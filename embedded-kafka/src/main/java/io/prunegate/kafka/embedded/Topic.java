package io.prunegate.kafka.embedded;

import java.util.Objects;

/** A topic to create: its name and partition count. */
public record Topic(String name, int partitions) {

  public Topic {
    Objects.requireNonNull(name, "name");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
  }
}
