package io.prunegate.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prunegate.model.runtime.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Access to {@code ../shared/fixtures}: tests using it skip only when the folder is absent. */
public final class Fixtures {

  private Fixtures() {}

  /** The fixtures folder; skips the calling test when it is absent. */
  public static Path root() {
    String p = System.getProperty("prunegate.fixtures");
    Path dir = p == null ? Path.of("../../shared/fixtures") : Path.of(p);
    Assumptions.assumeTrue(
        Files.isDirectory(dir.resolve("tiny-llama")),
        "shared fixtures not present at " + dir.toAbsolutePath() + " (../shared is absent)");
    return dir;
  }

  public static Path tinyLlama(String variant) {
    return root().resolve("tiny-llama").resolve(variant);
  }

  public static JsonNode expected(Path dir) {
    try {
      return new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture's right-padded input batch. */
  public static TokenBatch batch(JsonNode expected) {
    JsonNode ids = expected.get("input_ids");
    JsonNode mask = expected.get("attention_mask");
    int b = ids.size();
    int t = ids.get(0).size();
    long[] flat = new long[b * t];
    int[] lengths = new int[b];
    for (int r = 0; r < b; r++) {
      for (int c = 0; c < t; c++) {
        flat[r * t + c] = ids.get(r).get(c).asLong();
        lengths[r] += mask.get(r).get(c).asInt();
      }
    }
    return new TokenBatch(flat, lengths, t, new boolean[b]);
  }
}
