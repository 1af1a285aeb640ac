package io.prunegate.pruner.llmpruner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /**
   * Reads a TSV file with a header whose first column is the text and second the label (SST-2's
   * {@code sentence<TAB>label}); labels are names, numbered in sorted order.
   */
  public static TaskData readTsv(Path file) {
    List<String> texts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.size() < 2) {
        throw new IllegalArgumentException(file + ": no examples after the header");
      }
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank()) {
          continue;
        }
        int tab = line.lastIndexOf('\t');
        if (tab < 0) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": no tab-separated label");
        }
        texts.add(line.substring(0, tab).strip());
        names.add(line.substring(tab + 1).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<String> labelNames = names.stream().distinct().sorted().toList();
    int[] labels = names.stream().mapToInt(labelNames::indexOf).toArray();
    return new TaskData(texts, labels, labelNames);
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  public int size() {
    return texts.size();
  }

  /** The first {@code n} examples (all when fewer). */
  public TaskData head(int n) {
    int k = Math.min(n, size());
    int[] l = new int[k];
    System.arraycopy(labels, 0, l, 0, k);
    return new TaskData(texts.subList(0, k), l, labelNames);
  }
}
