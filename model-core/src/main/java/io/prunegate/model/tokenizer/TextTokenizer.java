package io.prunegate.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.prunegate.model.runtime.TokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The one tokenizer wrapper: a Hugging Face {@code tokenizer.json} loaded offline through DJL,
 * producing right-padded {@link TokenBatch}es truncated to the model's window. Oversized texts are
 * cut (and flagged) before tokenization so a 1 MB text costs no more than a long one.
 */
public final class TextTokenizer implements AutoCloseable {

  public static final String FILE_NAME = "tokenizer.json";

  /** Characters kept per allowed token before tokenizing: far more than any real token needs. */
  private static final int CHARS_PER_TOKEN_BOUND = 32;

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;
  private final Path file;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId, Path file) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.padId = padId;
    this.file = file;
  }

  /** Loads {@code tokenizer.json}; sequences are truncated to {@code maxLength} tokens. */
  public static TextTokenizer load(Path tokenizerJson, int maxLength, long padId) {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException(tokenizerJson + ": tokenizer file not found");
    }
    try {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.newInstance(
              tokenizerJson,
              Map.of(
                  "addSpecialTokens", "true",
                  "truncation", "true",
                  "padding", "false",
                  "maxLength", String.valueOf(maxLength)));
      return new TextTokenizer(t, maxLength, padId, tokenizerJson);
    } catch (IOException e) {
      throw new UncheckedIOException(tokenizerJson + ": cannot load tokenizer", e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          tokenizerJson + ": invalid tokenizer: " + e.getMessage(), e);
    }
  }

  public int maxLength() {
    return maxLength;
  }

  public Path file() {
    return file;
  }

  /** Token ids of one text, special tokens included, truncated to the window. */
  public long[] encode(String text) {
    return tokenizer.encode(bound(text)).getIds();
  }

  /**
   * Token ids of a text without special tokens, for building fixed-length calibration sequences
   * from running text (long texts are cut at the tokenizer's window).
   */
  public long[] encodeRaw(String text) {
    return tokenizer.encode(bound(text), false, false).getIds();
  }

  /** The special tokens the tokenizer puts before and after every sequence ([CLS]/[SEP], BOS). */
  public long[][] specialTokens() {
    long[] withSpecials = tokenizer.encode("").getIds();
    // An empty text yields exactly the prefix and suffix tokens; BERT: [CLS] [SEP], LLaMA: <s>.
    long[] prefix = withSpecials.length > 0 ? new long[] {withSpecials[0]} : new long[0];
    long[] suffix =
        withSpecials.length > 1
            ? java.util.Arrays.copyOfRange(withSpecials, 1, withSpecials.length)
            : new long[0];
    return new long[][] {prefix, suffix};
  }

  /** A padded batch of the texts, with per-row truncation flags. */
  public TokenBatch encode(List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no texts to encode");
    }
    long[][] rows = new long[texts.size()][];
    boolean[] truncated = new boolean[texts.size()];
    String[] bounded = new String[texts.size()];
    for (int i = 0; i < bounded.length; i++) {
      String t = texts.get(i);
      bounded[i] = bound(t);
      truncated[i] = bounded[i].length() < t.length();
    }
    Encoding[] enc = tokenizer.batchEncode(bounded);
    int t = 1;
    for (int i = 0; i < enc.length; i++) {
      rows[i] = enc[i].getIds();
      if (rows[i].length == 0) {
        rows[i] = new long[] {padId};
      }
      truncated[i] |= enc[i].exceedMaxLength();
      t = Math.max(t, rows[i].length);
    }
    long[] ids = new long[rows.length * t];
    int[] lengths = new int[rows.length];
    java.util.Arrays.fill(ids, padId);
    for (int b = 0; b < rows.length; b++) {
      System.arraycopy(rows[b], 0, ids, b * t, rows[b].length);
      lengths[b] = rows[b].length;
    }
    return new TokenBatch(ids, lengths, t, truncated);
  }

  /** Token counts of the texts (for grouping requests by length). */
  public int[] lengths(List<String> texts) {
    int[] out = new int[texts.size()];
    Encoding[] enc = tokenizer.batchEncode(texts.stream().map(this::bound).toArray(String[]::new));
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(1, enc[i].getIds().length);
    }
    return out;
  }

  private String bound(String text) {
    int limit = maxLength * CHARS_PER_TOKEN_BOUND;
    if (text.length() <= limit) {
      return text;
    }
    int cut = limit;
    // Cut at whitespace so the last kept word is not split differently than in the full text.
    while (cut > limit / 2 && !Character.isWhitespace(text.charAt(cut))) {
      cut--;
    }
    if (Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return text.substring(0, cut);
  }

  /** Copies the tokenizer file (and its companions, when present) into {@code dir}. */
  public static void copyFiles(Path fromDir, Path toDir) {
    for (String name :
        List.of(FILE_NAME, "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")) {
      Path src = fromDir.resolve(name);
      if (Files.isRegularFile(src)) {
        try {
          Files.createDirectories(toDir);
          Files.copy(src, toDir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot copy " + src, e);
        }
      }
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
