package io.prunegate.pruner.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Labelled texts for a classification task. Labels are indexes into {@code labelNames}, so that
 * chips, manifests and reports agree on the class order.
 *
 * @param name a short name (usually the file name) used in manifests and error messages
 * @param texts the texts
 * @param labels the class index of each text
 * @param labelNames the class names, in class-index order
 */
public record LabelledDataset(
    String name, List<String> texts, List<Integer> labels, List<String> labelNames) {

  public LabelledDataset {
    texts = List.copyOf(texts);
    labels = List.copyOf(labels);
    labelNames = List.copyOf(labelNames);
    if (texts.size() != labels.size()) {
      throw new IllegalArgumentException(
          name + ": " + texts.size() + " texts but " + labels.size() + " labels");
    }
    if (labelNames.isEmpty()) {
      throw new IllegalArgumentException(name + ": no label names");
    }
    for (int l : labels) {
      if (l < 0 || l >= labelNames.size()) {
        throw new IllegalArgumentException(
            name + ": label index " + l + " outside 0.." + (labelNames.size() - 1));
      }
    }
  }

  public int size() {
    return texts.size();
  }

  public int numClasses() {
    return labelNames.size();
  }

  /** The labels as an int array. */
  public int[] labelArray() {
    return labels.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The examples at {@code idx}, in that order, with the same label names. */
  public LabelledDataset subset(int[] idx) {
    List<String> t = new ArrayList<>(idx.length);
    List<Integer> l = new ArrayList<>(idx.length);
    for (int i : idx) {
      t.add(texts.get(i));
      l.add(labels.get(i));
    }
    return new LabelledDataset(name, t, l, labelNames);
  }

  /** The same examples under another name. */
  public LabelledDataset named(String newName) {
    return new LabelledDataset(newName, texts, labels, labelNames);
  }

  /**
   * sha256 of the content (texts, labels by name), recorded in manifests so that a variant names
   * the exact data it was trained and selected on.
   */
  public String sha256() {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < texts.size(); i++) {
        md.update(texts.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) '\t');
        md.update(labelNames.get(labels.get(i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The sentence-like examples: texts of at least {@code minWords} whitespace-separated words, each
   * distinct text once (its first occurrence). Phrase-level corpora such as SST-2's train split
   * hold many short, overlapping fragments of the same sentences; held out, they make validation
   * far easier than sentence-level test data, so selection and exit calibration on them do not
   * transfer. {@code minWords <= 1} only removes duplicate texts.
   */
  public LabelledDataset sentenceLike(int minWords) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i).strip();
      if (!t.isEmpty() && t.split("\\s+").length >= minWords && seen.add(t)) {
        keep.add(i);
      }
    }
    if (keep.isEmpty()) {
      throw new IllegalArgumentException(name + ": no example has at least " + minWords + " words");
    }
    return subset(keep.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Examples per class, in class-index order. */
  public int[] classCounts() {
    int[] c = new int[labelNames.size()];
    for (int l : labels) {
      c[l]++;
    }
    return c;
  }

  /**
   * A stratified sample of at most {@code max} examples (all of them when there are fewer): every
   * class keeps its share, rounded so the total is exactly {@code max}. Deterministic for a seed.
   */
  public LabelledDataset sample(int max, long seed) {
    if (max >= size()) {
      return this;
    }
    return subset(StratifiedSplit.take(labelArray(), numClasses(), max, seed)[0]);
  }

  /**
   * Splits off a stratified validation set of {@code validationCount} examples; returns {train,
   * validation}. Deterministic for a seed.
   */
  public LabelledDataset[] split(int validationCount, long seed) {
    if (validationCount < 1 || validationCount >= size()) {
      throw new IllegalArgumentException(
          name + ": cannot hold out " + validationCount + " of " + size() + " examples");
    }
    int[][] parts = StratifiedSplit.take(labelArray(), numClasses(), validationCount, seed);
    return new LabelledDataset[] {
      subset(parts[1]).named(name + "#train"), subset(parts[0]).named(name + "#validation")
    };
  }

  /**
   * Splits off a stratified validation set of {@code validationCount} whole texts and keeps
   * overlapping texts apart ({@link SourceDisjointSplit}): validation texts are ones no other text
   * contains, and training drops every text that is a span of one of them. Returns {train,
   * validation}; training may be smaller than {@code size() - validationCount}. Deterministic for a
   * seed.
   */
  public LabelledDataset[] splitBySource(int validationCount, long seed) {
    int[][] parts;
    try {
      parts = SourceDisjointSplit.split(texts, labelArray(), numClasses(), validationCount, seed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
    return new LabelledDataset[] {
      subset(parts[0]).named(name + "#train"), subset(parts[1]).named(name + "#validation")
    };
  }

  /**
   * Stratified index split helper, shared by {@link #sample} and {@link #split} and {@link
   * #splitBySource}.
   */
  static final class StratifiedSplit {

    private StratifiedSplit() {}

    /**
     * Picks {@code count} indexes spread over classes in proportion to their size (largest
     * remainders), shuffled within each class by {@code seed}; returns {picked, rest}, each sorted.
     */
    static int[][] take(int[] labels, int classes, int count, long seed) {
      List<List<Integer>> byClass = new ArrayList<>();
      for (int c = 0; c < classes; c++) {
        byClass.add(new ArrayList<>());
      }
      for (int i = 0; i < labels.length; i++) {
        byClass.get(labels[i]).add(i);
      }
      Random rnd = new Random(seed);
      for (List<Integer> l : byClass) {
        java.util.Collections.shuffle(l, rnd);
      }
      int[] quota = new int[classes];
      double[] remainder = new double[classes];
      int assigned = 0;
      for (int c = 0; c < classes; c++) {
        double exact = (double) count * byClass.get(c).size() / labels.length;
        quota[c] = (int) Math.floor(exact);
        remainder[c] = exact - quota[c];
        assigned += quota[c];
      }
      Integer[] order = new Integer[classes];
      for (int c = 0; c < classes; c++) {
        order[c] = c;
      }
      Arrays.sort(order, (a, b) -> Double.compare(remainder[b], remainder[a]));
      for (int k = 0; assigned < count; k = (k + 1) % classes) {
        int c = order[k];
        if (quota[c] < byClass.get(c).size()) {
          quota[c]++;
          assigned++;
        }
      }
      List<Integer> picked = new ArrayList<>();
      List<Integer> rest = new ArrayList<>();
      for (int c = 0; c < classes; c++) {
        List<Integer> l = byClass.get(c);
        picked.addAll(l.subList(0, quota[c]));
        rest.addAll(l.subList(quota[c], l.size()));
      }
      return new int[][] {
        picked.stream().mapToInt(Integer::intValue).sorted().toArray(),
        rest.stream().mapToInt(Integer::intValue).sorted().toArray()
      };
    }
  }
}
