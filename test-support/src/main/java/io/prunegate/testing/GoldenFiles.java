package io.prunegate.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The golden wire-format files of one area under a module's {@code src/test/resources/golden/}:
 * {@link #assertMatches} compares encoded bytes with a file byte for byte (showing a text diff on
 * failure), or rewrites the file when the build runs with {@code -Dgolden.update=true} after an
 * intentional wire change.
 */
public final class GoldenFiles {

  private final Path dir;

  private GoldenFiles(Path dir) {
    this.dir = dir;
  }

  /** The files of {@code area}: {@code src/test/resources/golden/<area>} of the running module. */
  public static GoldenFiles in(String area) {
    return new GoldenFiles(Path.of("src/test/resources/golden", area));
  }

  /** Asserts that {@code actual} equals the file {@code name}, or rewrites it on update. */
  public void assertMatches(String name, byte[] actual) {
    Path file = dir.resolve(name);
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(file.getParent());
        Files.write(file, actual);
        return;
      }
      assertTrue(Files.isRegularFile(file), file + " is missing: run with -Dgolden.update=true");
      byte[] expected = Files.readAllBytes(file);
      assertEquals(
          new String(expected, StandardCharsets.UTF_8),
          new String(actual, StandardCharsets.UTF_8),
          name);
      assertArrayEquals(expected, actual, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of the file {@code name}. */
  public byte[] read(String name) {
    try {
      return Files.readAllBytes(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
