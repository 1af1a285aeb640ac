package io.prunegate.pruner.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A held-out split that keeps overlapping texts apart. Validation is drawn, stratified, from the
 * texts that no other text contains (whole sentences rather than their fragments), and every text
 * that is a word span of a validation text (a phrase of the same sentence, or a duplicate) is
 * dropped from training.
 *
 * <p>Why: phrase-level corpora such as SST-2's train split hold many spans of each sentence. A
 * plain random hold-out puts spans of one sentence on both sides, so validation accuracy, and
 * whatever is selected or calibrated on it (the chosen layer, early-exit thresholds), is
 * optimistic. On a corpus without overlapping texts this is a plain stratified split, less the
 * duplicates of validation texts. Words are compared case-insensitively after whitespace splitting;
 * spans of up to {@value #MAX_SPAN_WORDS} words are considered.
 */
final class SourceDisjointSplit {

  /** Longest span looked up: longer texts count as whole sources, never as fragments. */
  static final int MAX_SPAN_WORDS = 64;

  private final int[][] words;
  private final Map<Long, List<Integer>> byHash = new HashMap<>();
  private final boolean[] lengthPresent = new boolean[MAX_SPAN_WORDS + 1];

  private SourceDisjointSplit(List<String> texts) {
    Map<String, Integer> vocabulary = new HashMap<>();
    words = new int[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i).strip().toLowerCase(Locale.ROOT);
      String[] w = t.isEmpty() ? new String[0] : t.split("\\s+");
      int[] ids = new int[w.length];
      for (int k = 0; k < w.length; k++) {
        ids[k] = vocabulary.computeIfAbsent(w[k], x -> vocabulary.size());
      }
      words[i] = ids;
      if (ids.length > 0 && ids.length <= MAX_SPAN_WORDS) {
        lengthPresent[ids.length] = true;
        byHash.computeIfAbsent(hash(ids, 0, ids.length), h -> new ArrayList<>(1)).add(i);
      }
    }
  }

  /**
   * Picks {@code count} validation rows; returns {train, validation} indexes, each sorted.
   *
   * @throws IllegalArgumentException when fewer than {@code count} rows are whole sources
   */
  static int[][] split(List<String> texts, int[] labels, int classes, int count, long seed) {
    SourceDisjointSplit s = new SourceDisjointSplit(texts);
    int n = texts.size();
    boolean[] fragment = new boolean[n];
    for (int r = 0; r < n; r++) {
      s.forEachSpan(r, false, found -> fragment[found] = true);
    }
    // Of identical texts only the first can be a source.
    List<Integer> sources = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      if (fragment[r] || s.words[r].length == 0) {
        continue;
      }
      int[] w = s.words[r];
      boolean duplicate = false;
      if (w.length <= MAX_SPAN_WORDS) {
        for (int other : s.byHash.get(hash(w, 0, w.length))) {
          if (other < r && Arrays.equals(s.words[other], w)) {
            duplicate = true;
            break;
          }
        }
      }
      if (!duplicate) {
        sources.add(r);
      }
    }
    if (count < 1 || count >= sources.size()) {
      throw new IllegalArgumentException(
          "cannot hold out "
              + count
              + " examples: only "
              + sources.size()
              + " of "
              + n
              + " texts are not part of another text");
    }
    int[] sourceLabels = sources.stream().mapToInt(i -> labels[i]).toArray();
    int[] picked = LabelledDataset.StratifiedSplit.take(sourceLabels, classes, count, seed)[0];
    boolean[] excluded = new boolean[n];
    int[] validation = new int[picked.length];
    for (int k = 0; k < picked.length; k++) {
      int v = sources.get(picked[k]);
      validation[k] = v;
      excluded[v] = true;
      s.forEachSpan(v, true, found -> excluded[found] = true);
    }
    Arrays.sort(validation);
    int[] train = new int[n - countTrue(excluded)];
    int t = 0;
    for (int r = 0; r < n; r++) {
      if (!excluded[r]) {
        train[t++] = r;
      }
    }
    return new int[][] {train, validation};
  }

  private interface RowSink {
    void accept(int row);
  }

  /** Calls {@code sink} for every other row whose words are a span of row {@code r}'s words. */
  private void forEachSpan(int r, boolean includeWhole, RowSink sink) {
    int[] w = words[r];
    int maxLength = Math.min(includeWhole ? w.length : w.length - 1, MAX_SPAN_WORDS);
    for (int a = 0; a < w.length; a++) {
      long h = 0;
      for (int len = 1; len <= maxLength && a + len <= w.length; len++) {
        h = h * 1_000_003L + w[a + len - 1] + 1;
        if (!lengthPresent[len]) {
          continue;
        }
        List<Integer> rows = byHash.get(mix(h, len));
        if (rows == null) {
          continue;
        }
        for (int other : rows) {
          if (other != r && words[other].length == len && equalsSpan(w, a, words[other])) {
            sink.accept(other);
          }
        }
      }
    }
  }

  private static boolean equalsSpan(int[] w, int from, int[] span) {
    for (int k = 0; k < span.length; k++) {
      if (w[from + k] != span[k]) {
        return false;
      }
    }
    return true;
  }

  private static long hash(int[] w, int from, int to) {
    long h = 0;
    for (int k = from; k < to; k++) {
      h = h * 1_000_003L + w[k] + 1;
    }
    return mix(h, to - from);
  }

  private static long mix(long h, int length) {
    return h ^ ((long) length << 56);
  }

  private static int countTrue(boolean[] b) {
    int c = 0;
    for (boolean x : b) {
      if (x) {
        c++;
      }
    }
    return c;
  }
}
