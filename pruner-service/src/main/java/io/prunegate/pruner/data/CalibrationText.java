package io.prunegate.pruner.data;

import io.prunegate.model.bundle.VariantBundle;
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
import java.util.function.Predicate;

/**
 * Calibration data for FinerCut and LLM-Pruner's LM loss, read from a plain text file in one of two
 * layouts: {@link Layout#STREAM} tokenizes the file as one running stream cut into {@code n}
 * sequences of exactly {@code tokens} tokens (the task-agnostic criteria), {@link Layout#LINES}
 * takes the first {@code n} non-empty lines as separate sequences of at most {@code tokens} tokens
 * (the task-aware chip criterion, whose chip reads one input at a time). Each sequence is framed by
 * the tokenizer's special tokens. What was used is recorded (file sha256, layout, N, T) for the
 * variant's manifest.
 *
 * @param sequences the token sequences, each at most {@code tokens} long (exactly, for STREAM)
 * @param source the text file
 * @param sha256 the file's sha256
 * @param tokens tokens per sequence (T; the cap for LINES)
 * @param layout how the file became sequences
 */
public record CalibrationText(
    List<long[]> sequences, Path source, String sha256, int tokens, Layout layout) {

  /** How a calibration file becomes sequences. */
  public enum Layout {
    /** One running token stream cut into fixed-length sequences. */
    STREAM,
    /** One sequence per non-empty line, cut at the token cap. */
    LINES;

    /** Parses {@code stream} or {@code lines} (case-insensitive). */
    public static Layout parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "calibration layout must be stream or lines, was '" + text + "'", e);
      }
    }
  }

  /** Default N x T for decoders (as FinerCut's authors) and encoders. */
  public static final int DECODER_N = 10;

  public static final int DECODER_T = 256;
  public static final int ENCODER_N = 64;
  public static final int ENCODER_T = 128;

  /** Default N x T for {@link Layout#LINES}: 256 lines of at most 128 tokens. */
  public static final int LINES_N = 256;

  public static final int LINES_T = 128;

  public CalibrationText {
    sequences = List.copyOf(sequences);
    for (long[] s : sequences) {
      if (s.length > tokens) {
        throw new IllegalArgumentException(
            "a calibration sequence has " + s.length + " tokens, more than " + tokens);
      }
    }
  }

  /** Reads {@code file} into {@code n} sequences of {@code tokens} tokens. */
  public static CalibrationText read(Path file, TextTokenizer tokenizer, int n, int tokens) {
    checkShape(n, tokens);
    long[][] specials = tokenizer.specialTokens();
    int body = tokens - specials[0].length - specials[1].length;
    long[] stream = new long[n * body];
    int[] filled = {0};
    forEachLine(
        file,
        line -> {
          long[] ids = tokenizer.encodeRaw(line);
          int take = Math.min(ids.length, stream.length - filled[0]);
          System.arraycopy(ids, 0, stream, filled[0], take);
          filled[0] += take;
          return filled[0] < stream.length;
        });
    if (filled[0] < stream.length) {
      throw new IllegalArgumentException(
          file
              + ": has "
              + filled[0]
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
      seqs.add(framed(specials, stream, i * body, body));
    }
    return new CalibrationText(seqs, file, VariantBundle.sha256(file), tokens, Layout.STREAM);
  }

  /**
   * Reads the first {@code n} non-empty lines of {@code file} as {@code n} sequences of at most
   * {@code maxTokens} tokens (special tokens included; longer lines are cut).
   */
  public static CalibrationText lines(Path file, TextTokenizer tokenizer, int n, int maxTokens) {
    checkShape(n, maxTokens);
    long[][] specials = tokenizer.specialTokens();
    int body = maxTokens - specials[0].length - specials[1].length;
    List<long[]> seqs = new ArrayList<>();
    forEachLine(
        file,
        line -> {
          long[] ids = tokenizer.encodeRaw(line);
          seqs.add(framed(specials, ids, 0, Math.min(ids.length, body)));
          return seqs.size() < n;
        });
    if (seqs.size() < n) {
      throw new IllegalArgumentException(
          file + ": has " + seqs.size() + " non-empty lines, " + n + " needed");
    }
    return new CalibrationText(seqs, file, VariantBundle.sha256(file), maxTokens, Layout.LINES);
  }

  private static void checkShape(int n, int tokens) {
    if (n < 1 || tokens < 4) {
      throw new IllegalArgumentException("need n >= 1 and tokens >= 4, got " + n + " x " + tokens);
    }
  }

  /**
   * Feeds the stripped non-empty lines of {@code file} to {@code sink} until it returns false or
   * the file ends; a missing or unreadable file is an error naming it.
   */
  private static void forEachLine(Path file, Predicate<String> sink) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": calibration text not found");
    }
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      var it = lines.iterator();
      boolean more = true;
      while (more && it.hasNext()) {
        String line = it.next().strip();
        if (!line.isEmpty()) {
          more = sink.test(line);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          file + ": cannot read calibration text: " + e.getMessage(), e);
    }
  }

  /** {@code length} ids of {@code body} from {@code from}, between the special tokens. */
  private static long[] framed(long[][] specials, long[] body, int from, int length) {
    long[] s = new long[specials[0].length + length + specials[1].length];
    System.arraycopy(specials[0], 0, s, 0, specials[0].length);
    System.arraycopy(body, from, s, specials[0].length, length);
    System.arraycopy(specials[1], 0, s, specials[0].length + length, specials[1].length);
    return s;
  }

  public int count() {
    return sequences.size();
  }

  /** The sequences as batches of at most {@code batchSize} rows (LINES rows right-padded). */
  public List<TokenBatch> batches(int batchSize) {
    List<TokenBatch> out = new ArrayList<>();
    for (int i = 0; i < sequences.size(); i += batchSize) {
      List<long[]> rows = sequences.subList(i, Math.min(sequences.size(), i + batchSize));
      out.add(TokenBatch.of(rows.toArray(long[][]::new), 0));
    }
    return out;
  }

  /** Tokens in all sequences. */
  public long totalTokens() {
    return sequences.stream().mapToLong(s -> s.length).sum();
  }

  /** What the manifest records: file, sha256, layout, N, T and the total tokens. */
  public Map<String, Object> describe() {
    return Map.of(
        "file",
        source.getFileName().toString(),
        "sha256",
        sha256,
        "layout",
        layout.name().toLowerCase(java.util.Locale.ROOT),
        "sequences",
        count(),
        "tokens",
        tokens,
        "total_tokens",
        totalTokens());
  }
}
