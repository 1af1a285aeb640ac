package io.prunegate.benchmarks.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Native memory must not grow across forward batches (each in its own NDManager scope). */
class NativeMemoryTest {

  @Test
  void threeHundredBatchesDoNotGrowNativeMemory() {
    double growth = NativeMemoryCheck.runInChildJvm(300, 100, System.out);
    assertTrue(growth < 50, "RSS grew " + growth + " MB after warm-up");
  }

  @Test
  @Tag("quality")
  void fiveThousandBatchesDoNotGrowNativeMemory() {
    double growth = NativeMemoryCheck.runInChildJvm(5000, 500, System.out);
    assertTrue(growth < 50, "RSS grew " + growth + " MB after warm-up");
  }
}
