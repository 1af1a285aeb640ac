package io.prunegate.gateway.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class LengthGroupingTest {

  @Test
  void takesEverythingWhenTheWindowFitsOneBatch() {
    assertArrayEquals(new int[] {0, 1, 2}, LengthGrouping.pick(new int[] {9, 1, 400}, 4));
  }

  @Test
  void keepsTheOldestAndGroupsTheClosestLengthsAroundIt() {
    // sorted: 10 11 12 13 49 50* 51 52 -> runs of 3 holding 50: [13 49 50] [49 50 51] [50 51 52]
    int[] lengths = {50, 10, 11, 12, 49, 51, 52, 13};
    assertArrayEquals(new int[] {0, 4, 5}, LengthGrouping.pick(lengths, 3));
  }

  @Test
  void theOldestGoesEvenWhenItIsTheOutlier() {
    int[] lengths = {500, 10, 11, 12, 13, 14};
    assertArrayEquals(new int[] {0, 4, 5}, LengthGrouping.pick(lengths, 3));
  }

  @Test
  void equalLengthsKeepArrivalOrder() {
    int[] lengths = {7, 7, 7, 7, 7};
    assertArrayEquals(new int[] {0, 1}, LengthGrouping.pick(lengths, 2));
  }
}
