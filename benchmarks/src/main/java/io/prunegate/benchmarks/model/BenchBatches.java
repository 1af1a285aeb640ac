package io.prunegate.benchmarks.model;

import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds benchmark batches from real text: rows of tokenized prose cut to lengths between half and
 * all of {@code seqLen} (the first row always full), right-padded to exactly {@code seqLen}.
 */
public final class BenchBatches {

  private static final String PROSE =
      "Streaming classification systems answer each request within a few milliseconds while the"
          + " models behind them change every week. Pruning removes layers, sublayers, heads and"
          + " channels that contribute little to the task, and a gateway compares the compressed"
          + " variant with the full model on live traffic before it takes over. The film was a"
          + " charming, funny and moving story about a family that runs a small bakery in a town"
          + " where nothing ever happens, until a stranger arrives with a recipe nobody can"
          + " explain. Customers complained that the delivery was late, the package was damaged"
          + " and nobody answered the phone for two days. ";

  private BenchBatches() {}

  /** {@code count} batches of {@code batchSize} rows padded to {@code seqLen} tokens. */
  public static List<TokenBatch> make(
      TextTokenizer tokenizer, int count, int batchSize, int seqLen, long padId, long seed) {
    return make(tokenizer, count, batchSize, seqLen, padId, seed, false);
  }

  /** As above; with {@code full} every row has exactly {@code seqLen} tokens (no padding). */
  public static List<TokenBatch> make(
      TextTokenizer tokenizer,
      int count,
      int batchSize,
      int seqLen,
      long padId,
      long seed,
      boolean full) {
    long[] stream = tokenizer.encode(PROSE.repeat(8));
    Random rnd = new Random(seed);
    List<TokenBatch> out = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      long[] ids = new long[batchSize * seqLen];
      java.util.Arrays.fill(ids, padId);
      int[] lengths = new int[batchSize];
      for (int b = 0; b < batchSize; b++) {
        int len = b == 0 || full ? seqLen : seqLen / 2 + rnd.nextInt(seqLen / 2 + 1);
        int start = 1 + rnd.nextInt(stream.length - seqLen - 2);
        ids[b * seqLen] = stream[0]; // [CLS]
        System.arraycopy(stream, start, ids, b * seqLen + 1, len - 2);
        ids[b * seqLen + len - 1] = stream[stream.length - 1]; // [SEP]
        lengths[b] = len;
      }
      out.add(new TokenBatch(ids, lengths, seqLen, new boolean[batchSize]));
    }
    return out;
  }
}
