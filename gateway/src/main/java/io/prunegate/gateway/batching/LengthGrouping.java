package io.prunegate.gateway.batching;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Chooses which queued requests form the next batch. The oldest request always goes (no
 * starvation); the others are the {@code maxBatch - 1} requests closest to it in length within the
 * window, taken as the contiguous run in length order around it with the smallest spread, so that a
 * batch is padded to a length near that of its rows.
 */
public final class LengthGrouping {

  private LengthGrouping() {}

  /**
   * Indices (into {@code lengths}, in ascending order) of the batch to cut from a window whose
   * entry 0 is the oldest request.
   */
  public static int[] pick(int[] lengths, int maxBatch) {
    int n = lengths.length;
    if (n <= maxBatch) {
      return IntStream.range(0, n).toArray();
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    // Stable sort: equal lengths keep arrival order, so older requests of a length go first.
    Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
    int headPos = 0;
    for (int i = 0; i < n; i++) {
      if (order[i] == 0) {
        headPos = i;
        break;
      }
    }
    int best = -1;
    int bestSpread = Integer.MAX_VALUE;
    for (int s = Math.max(0, headPos - maxBatch + 1); s <= Math.min(headPos, n - maxBatch); s++) {
      int spread = lengths[order[s + maxBatch - 1]] - lengths[order[s]];
      if (spread < bestSpread) {
        bestSpread = spread;
        best = s;
      }
    }
    int[] out = new int[maxBatch];
    for (int i = 0; i < maxBatch; i++) {
      out[i] = order[best + i];
    }
    Arrays.sort(out);
    return out;
  }
}
