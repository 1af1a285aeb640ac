package io.prunegate.pruner.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the quality profile's shared datasets are: {@code PRUNEGATE_DATA} (or the {@code
 * prunegate.data} system property the profile sets from it). Quality tests fail, rather than skip,
 * when it is missing: the profile exists to run them.
 */
public final class QualityData {

  private QualityData() {}

  /** The datasets directory; throws when it is not configured or not a directory. */
  public static Path dir() {
    String data = System.getenv("PRUNEGATE_DATA");
    if (data == null || data.isBlank()) {
      data = System.getProperty("prunegate.data");
    }
    if (data == null || data.isBlank()) {
      throw new IllegalStateException("the quality profile needs PRUNEGATE_DATA");
    }
    Path dir = Path.of(data);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("PRUNEGATE_DATA=" + data + " is not a directory");
    }
    return dir;
  }
}
