package io.prunegate.model.importer;

import java.nio.file.Path;

/** An ONNX file is unreadable, or its graph is not a BERT-family encoder this importer maps. */
public final class OnnxFormatException extends RuntimeException {

  public OnnxFormatException(Path file, String message) {
    super(file + ": " + message);
  }

  public OnnxFormatException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
  }
}
