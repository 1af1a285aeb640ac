package io.prunegate.registry.client;

import java.nio.file.Path;

/**
 * A downloaded artifact's content does not have the sha256 the registry lists for it. The bad file
 * has been deleted; the message names it.
 */
public class ArtifactVerificationException extends RuntimeException {

  private final Path file;
  private final String expectedSha256;
  private final String actualSha256;

  public ArtifactVerificationException(Path file, String expectedSha256, String actualSha256) {
    super(
        "artifact "
            + file
            + " failed verification: expected sha256 "
            + expectedSha256
            + " but the downloaded content has "
            + actualSha256
            + "; the file was deleted");
    this.file = file;
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }

  /** The file that failed (now deleted). */
  public Path file() {
    return file;
  }

  public String expectedSha256() {
    return expectedSha256;
  }

  public String actualSha256() {
    return actualSha256;
  }
}
