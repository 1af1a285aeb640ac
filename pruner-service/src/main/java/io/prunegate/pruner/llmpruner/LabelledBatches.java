package io.prunegate.pruner.llmpruner;

import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Labelled texts tokenized into batches of similar length (less padding, faster steps), with each
 * batch's labels; {@link #labelsOf} is how a task loss finds the labels of the batch it is given.
 *
 * @param batches the token batches
 * @param rows for each batch, the example indexes it holds, in row order
 * @param labels for each batch (by identity), its labels in row order
 */
public record LabelledBatches(
    List<TokenBatch> batches, List<int[]> rows, Map<TokenBatch, int[]> labels) {

  /** Tokenizes {@code data} into batches of at most {@code batchSize}. */
  public static LabelledBatches of(TaskData data, TextTokenizer tokenizer, int batchSize) {
    int[] lengths = tokenizer.lengths(data.texts());
    int[] order =
        IntStream.range(0, data.size())
            .boxed()
            .sorted(Comparator.comparingInt((Integer i) -> lengths[i]))
            .mapToInt(Integer::intValue)
            .toArray();
    int[] all = data.labels();
    List<TokenBatch> batches = new ArrayList<>();
    List<int[]> rows = new ArrayList<>();
    Map<TokenBatch, int[]> labels = new IdentityHashMap<>();
    for (int i = 0; i < order.length; i += batchSize) {
      int[] idx = java.util.Arrays.copyOfRange(order, i, Math.min(order.length, i + batchSize));
      List<String> texts = new ArrayList<>();
      int[] l = new int[idx.length];
      for (int j = 0; j < idx.length; j++) {
        texts.add(data.texts().get(idx[j]));
        l[j] = all[idx[j]];
      }
      TokenBatch b = tokenizer.encode(texts);
      batches.add(b);
      rows.add(idx);
      labels.put(b, l);
    }
    return new LabelledBatches(List.copyOf(batches), List.copyOf(rows), labels);
  }

  /** The labels of {@code batch}, which must be one of these batches. */
  public int[] labelsOf(TokenBatch batch) {
    int[] l = labels.get(batch);
    if (l == null) {
      throw new IllegalArgumentException("batch is not one of these labelled batches");
    }
    return l;
  }

  /** Number of examples. */
  public int examples() {
    return rows.stream().mapToInt(r -> r.length).sum();
  }
}
