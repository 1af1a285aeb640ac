package io.prunegate.pruner.llmpruner;

import io.prunegate.pruner.data.LabelledDataset;
import java.util.List;

/**
 * Labelled texts for the encoder path: the task loss of importance and recovery, and evaluation.
 *
 * @param texts the texts
 * @param labels label index of each text
 * @param labelNames class names, indexed by label
 */
public record TaskData(List<String> texts, int[] labels, List<String> labelNames) {

  public TaskData {
    texts = List.copyOf(texts);
    labels = labels.clone();
    labelNames = List.copyOf(labelNames);
    if (texts.size() != labels.length) {
      throw new IllegalArgumentException(texts.size() + " texts for " + labels.length + " labels");
    }
    for (int l : labels) {
      if (l < 0 || l >= labelNames.size()) {
        throw new IllegalArgumentException("label " + l + " outside 0.." + (labelNames.size() - 1));
      }
    }
  }

  /** The texts and labels of a dataset read by {@link io.prunegate.pruner.data.DatasetReader}. */
  public static TaskData of(LabelledDataset d) {
    return new TaskData(d.texts(), d.labelArray(), d.labelNames());
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  public int size() {
    return texts.size();
  }

  /** Examples {@code from} (inclusive) to {@code to} (exclusive), clipped to the size. */
  public TaskData slice(int from, int to) {
    int a = Math.min(from, size());
    int b = Math.min(Math.max(a, to), size());
    int[] l = new int[b - a];
    System.arraycopy(labels, a, l, 0, b - a);
    return new TaskData(texts.subList(a, b), l, labelNames);
  }

  /** The first {@code n} examples (all when fewer). */
  public TaskData head(int n) {
    int k = Math.min(n, size());
    int[] l = new int[k];
    System.arraycopy(labels, 0, l, 0, k);
    return new TaskData(texts.subList(0, k), l, labelNames);
  }
}
