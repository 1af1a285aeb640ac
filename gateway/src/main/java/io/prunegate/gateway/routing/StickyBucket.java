package io.prunegate.gateway.routing;

import java.nio.charset.StandardCharsets;

/**
 * Maps a routing key to a stable point in [0, 1): the same key always lands on the same point, in
 * every gateway instance and across restarts, so a key's A/B assignment is sticky. FNV-1a over the
 * UTF-8 bytes, finished with a 64-bit mixer so that similar keys spread evenly.
 */
public final class StickyBucket {

  private StickyBucket() {}

  /** The key's point in [0, 1). */
  public static double of(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    // splitmix64 finalizer
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }

  /** True when the key falls in the first {@code share} of the unit interval. */
  public static boolean within(String key, double share) {
    return share > 0 && of(key) < share;
  }
}
