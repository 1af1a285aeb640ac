package io.prunegate.pruner.data;

import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Calibration data for the task-agnostic methods (FinerCut, LLM-Pruner's LM loss): a plain text
 * file tokenized as one running stream and cut into {@code n} sequences of exactly {@code tokens}
 * tokens, each framed by the tokenizer's special tokens. What was used is recorded (file sha256, N,
 * T) for the variant's manifest.
 *
 * @param sequences the token sequences, each of length {@code tokens}
 * @param source the text file
 * @param sha256 the file's sha256
 * @param tokens tokens per sequence (T)
 */
public record CalibrationText(List<long[]> sequences, Path source, String sha256, int tokens) {

  /** Default N x T for decoders (as FinerCut's authors) and encoders. */
  public static final int DECODER_N = 10;

  public static final int DECODER_T = 256;
  public static final int ENCODER_N = 64;
  public static final int ENCODER_T = 128;

  /** Reads {@code file} into {@code n} sequences of {@code tokens} tokens. */
  public static CalibrationText read(Path file, TextTokenizer tokenizer, int n, int tokens) {
    if (n < 1 || tokens < 4) {
      throw new IllegalArgumentException("need n >= 1 and tokens >= 4, got " + n + " x " + tokens);
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": calibration text not found");
    }
    long[][] specials = tokenizer.specialTokens();
    int body = tokens - specials[0].length - specials[1].length;
    long[] stream = new long[n * body];
    int filled = 0;
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      var it = lines.iterator();
      while (filled < stream.length && it.hasNext()) {
        String line = it.next().strip();
        if (line.isEmpty()) {
          continue;
        }
        long[] ids = tokenizer.encodeRaw(line);
        int take = Math.min(ids.length, stream.length - filled);
        System.arraycopy(ids, 0, stream, filled, take);
        filled += take;
      }
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          file + ": cannot read calibration text: " + e.getMessage(), e);
    }
    if (filled < stream.length) {
      throw new IllegalArgumentException(
          file
              + ": has "
              + filled
              + " tokens of text, "
              + stream.length
              + " needed for "
              + n
              + " sequences of "
              + tokens
              + " tokens");
    }
    List<long[]> seqs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long[] s = new long[tokens];
      System.arraycopy(specials[0], 0, s, 0, specials[0].length);
      System.arraycopy(stream, i * body, s, specials[0].length, body);
      System.arraycopy(specials[1], 0, s, tokens - specials[1].length, specials[1].length);
      seqs.add(s);
    }
    return new CalibrationText(
        List.copyOf(seqs), file, io.prunegate.model.bundle.VariantBundle.sha256(file), tokens);
  }

  public int count() {
    return sequences.size();
  }

  /** The sequences as batches of at most {@code batchSize} rows (no padding: all are full). */
  public List<TokenBatch> batches(int batchSize) {
    List<TokenBatch> out = new ArrayList<>();
    for (int i = 0; i < sequences.size(); i += batchSize) {
      List<long[]> rows = sequences.subList(i, Math.min(sequences.size(), i + batchSize));
      out.add(TokenBatch.of(rows.toArray(long[][]::new), 0));
    }
    return out;
  }

  /** What the manifest records: file, sha256, N and T. */
  public Map<String, Object> describe() {
    return Map.of(
        "file",
        source.getFileName().toString(),
        "sha256",
        sha256,
        "sequences",
        count(),
        "tokens",
        tokens);
  }
}
