package io.prunegate.registry;

import java.util.Objects;

/**
 * One file of a model version: its flat file name, the sha256 of its content (which is also its
 * address in the artifact store) and its size in bytes.
 */
public record Artifact(String name, String sha256, long size) {

  public Artifact {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
  }
}
