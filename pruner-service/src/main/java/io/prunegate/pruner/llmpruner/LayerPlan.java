package io.prunegate.pruner.llmpruner;

import java.util.Arrays;

/**
 * What one pruned layer keeps: kv groups (each with its query heads) and FFN channels, ascending.
 * An empty list removes the whole sublayer.
 *
 * @param layer the layer index
 * @param keptKvGroups kv heads kept
 * @param keptFfnChannels FFN channels kept
 */
public record LayerPlan(int layer, int[] keptKvGroups, int[] keptFfnChannels) {

  public LayerPlan {
    keptKvGroups = sortedCopy(keptKvGroups, "kv group");
    keptFfnChannels = sortedCopy(keptFfnChannels, "FFN channel");
  }

  @Override
  public int[] keptKvGroups() {
    return keptKvGroups.clone();
  }

  @Override
  public int[] keptFfnChannels() {
    return keptFfnChannels.clone();
  }

  private static int[] sortedCopy(int[] values, String what) {
    int[] s = values.clone();
    Arrays.sort(s);
    for (int i = 0; i < s.length; i++) {
      if (s[i] < 0 || (i > 0 && s[i] == s[i - 1])) {
        throw new IllegalArgumentException("invalid or repeated " + what + " index " + s[i]);
      }
    }
    return s;
  }
}
