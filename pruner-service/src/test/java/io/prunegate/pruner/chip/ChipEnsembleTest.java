package io.prunegate.pruner.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The merged chip computes the mean of its members' logits: checked against logits computed member
 * by member, for linear and MLP members of different widths.
 */
class ChipEnsembleTest {

  private static final int DIM = 5;
  private static final int CLASSES = 3;

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  private static ChipWeights chip(ChipKind kind, int hidden, long seed) {
    Random r = new Random(seed);
    if (kind == ChipKind.LINEAR) {
      return new ChipWeights(
          kind, 4, DIM, 0, CLASSES, random(r, CLASSES * DIM), random(r, CLASSES), null, null);
    }
    return new ChipWeights(
        kind,
        4,
        DIM,
        hidden,
        CLASSES,
        random(r, hidden * DIM),
        random(r, hidden),
        random(r, CLASSES * hidden),
        random(r, CLASSES));
  }

  /** Logits of one row, computed directly from the member's weights. */
  private static double[] logits(ChipWeights c, float[] x) {
    int first = c.kind() == ChipKind.MLP ? c.hidden() : CLASSES;
    double[] h = new double[first];
    for (int j = 0; j < first; j++) {
      h[j] = c.b1()[j];
      for (int k = 0; k < DIM; k++) {
        h[j] += c.w1()[j * DIM + k] * x[k];
      }
    }
    if (c.kind() == ChipKind.LINEAR) {
      return h;
    }
    double[] z = new double[CLASSES];
    for (int o = 0; o < CLASSES; o++) {
      z[o] = c.b2()[o];
      for (int j = 0; j < c.hidden(); j++) {
        z[o] += c.w2()[o * c.hidden() + j] * Math.max(0, h[j]);
      }
    }
    return z;
  }

  private static void assertMeanLogits(List<ChipWeights> members) {
    ChipWeights merged = ChipEnsemble.merge(members);
    Random r = new Random(99);
    int n = 20;
    float[] x = random(r, n * DIM);
    float[] p = merged.probabilities(x, n);
    for (int row = 0; row < n; row++) {
      float[] xr = Arrays.copyOfRange(x, row * DIM, (row + 1) * DIM);
      double[] mean = new double[CLASSES];
      for (ChipWeights m : members) {
        double[] z = logits(m, xr);
        for (int c = 0; c < CLASSES; c++) {
          mean[c] += z[c] / members.size();
        }
      }
      double max = Arrays.stream(mean).max().orElseThrow();
      double sum = 0;
      for (double v : mean) {
        sum += Math.exp(v - max);
      }
      for (int c = 0; c < CLASSES; c++) {
        assertEquals(Math.exp(mean[c] - max) / sum, p[row * CLASSES + c], 1e-5);
      }
    }
  }

  @Test
  void mergedLinearChipIsTheMeanOfItsMembers() {
    List<ChipWeights> members = new ArrayList<>();
    for (long s = 0; s < 4; s++) {
      members.add(chip(ChipKind.LINEAR, 0, s));
    }
    assertMeanLogits(members);
    ChipWeights merged = ChipEnsemble.merge(members);
    assertEquals(ChipKind.LINEAR, merged.kind());
    assertEquals(CLASSES * DIM, merged.w1().length);
  }

  @Test
  void mergedMlpStacksTheHiddenUnitsOfItsMembers() {
    List<ChipWeights> members =
        List.of(chip(ChipKind.MLP, 7, 1), chip(ChipKind.MLP, 7, 2), chip(ChipKind.MLP, 3, 3));
    assertMeanLogits(members);
    ChipWeights merged = ChipEnsemble.merge(members);
    assertEquals(17, merged.hidden());
    assertEquals(4, merged.depth());
  }

  @Test
  void oneMemberIsItselfAndMismatchedMembersAreRefused() {
    ChipWeights one = chip(ChipKind.MLP, 7, 1);
    assertSame(one, ChipEnsemble.merge(List.of(one)));
    assertThrows(IllegalArgumentException.class, () -> ChipEnsemble.merge(List.of()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ChipEnsemble.merge(List.of(one, chip(ChipKind.LINEAR, 0, 2))));
    assertTrue(e.getMessage().contains("differ"), e.getMessage());
  }
}
