package io.prunegate.pruner.finercut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prunegate.model.runtime.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** {@code ../shared/fixtures/tiny-llama}: tests using it skip only when the folder is absent. */
final class TinyLlamaFixture {

  private TinyLlamaFixture() {}

  static Path dense() {
    String p = System.getProperty("prunegate.fixtures");
    Path dir = (p == null ? Path.of("../../shared/fixtures") : Path.of(p)).resolve("tiny-llama");
    Assumptions.assumeTrue(
        Files.isDirectory(dir),
        "shared fixtures not present at " + dir.toAbsolutePath() + " (../shared is absent)");
    return dir.resolve("dense");
  }

  static JsonNode expected(Path dir) {
    try {
      return new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture's right-padded input batch. */
  static TokenBatch batch(JsonNode expected) {
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
