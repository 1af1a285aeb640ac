package io.prunegate.model.safetensors;

import java.nio.file.Path;

/** A safetensors file is missing, truncated, corrupt, or lacks an expected tensor. */
public final class SafetensorsException extends RuntimeException {

  public SafetensorsException(Path file, String message) {
    super(file + ": " + message);
  }

  public SafetensorsException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
  }
}
