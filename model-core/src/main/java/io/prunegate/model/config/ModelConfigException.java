package io.prunegate.model.config;

import java.nio.file.Path;

/** A config.json is missing, unreadable, or describes something this runtime cannot run. */
public final class ModelConfigException extends RuntimeException {

  public ModelConfigException(Path file, String message) {
    super(file + ": " + message);
  }

  public ModelConfigException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
  }
}
