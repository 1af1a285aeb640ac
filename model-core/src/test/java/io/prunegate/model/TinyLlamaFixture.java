package io.prunegate.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.runtime.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tiny-llama reference fixture (model-core's test resources, a copy of {@code
 * shared/fixtures/tiny-llama}: a 4-layer LLaMA with reference logits, residuals, FinerCut
 * divergences and LLM-Pruner importances), shared with the pruner's tests through model-core's
 * test-jar. The files are read in place from the source tree ({@code prunegate.fixtures}, set by
 * the build), since the runtime loads model directories by path.
 */
public final class TinyLlamaFixture {

  private TinyLlamaFixture() {}

  /** {@code dense} or {@code pruned}. */
  public static Path dir(String variant) {
    String p = System.getProperty("prunegate.fixtures");
    Path root = p == null ? Path.of("src/test/resources") : Path.of(p);
    Path dir = root.resolve("tiny-llama").resolve(variant);
    if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
      throw new IllegalStateException(
          "tiny-llama fixture missing at " + dir.toAbsolutePath() + " (prunegate.fixtures)");
    }
    return dir;
  }

  public static JsonNode expected(Path dir) {
    try {
      return ModelJson.mapper().readTree(dir.resolve("expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture's right-padded batch. */
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

  /** Max |logit - reference| over the valid positions. */
  public static double maxLogitDiff(float[] logits, TokenBatch batch, int vocab, JsonNode exp) {
    double max = 0;
    int t = batch.seqLen();
    for (int b = 0; b < batch.batchSize(); b++) {
      for (int p = 0; p < batch.lengths()[b]; p++) {
        JsonNode ref = exp.get("logits").get(b).get(p);
        for (int k = 0; k < vocab; k++) {
          max = Math.max(max, Math.abs(logits[(b * t + p) * vocab + k] - ref.get(k).asDouble()));
        }
      }
    }
    return max;
  }
}
