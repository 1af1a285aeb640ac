package io.prunegate.pruner.finercut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.config.Sublayer;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TorchRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The divergence functions against values computed independently in plain double arithmetic. */
class DivergenceTest {

  @Test
  void jensenShannonMatchesTheDefinition() {
    float[][] a = {{2.0f, -1.0f, 0.5f, 0.0f}, {0.1f, 0.2f, 0.3f, -5f}};
    float[][] b = {{1.5f, -0.5f, 0.5f, 1.0f}, {0.1f, 0.2f, 0.3f, -5f}};
    double expected = js(softmax(a[0]), softmax(b[0])) + js(softmax(a[1]), softmax(b[1]));
    try (NDManager m = TorchRuntime.start(new RuntimeOptions("cpu", 1, 1)).newBaseManager()) {
      NDArray p = Divergence.logProbabilities(m.create(flat(a), new Shape(2, 4)));
      NDArray q = Divergence.logProbabilities(m.create(flat(b), new Shape(2, 4)));
      assertEquals(expected, Divergence.jensenShannonSum(p, q), 1e-12);
      assertEquals(0.0, Divergence.jensenShannonSum(p, p), 1e-15);
      // Disjoint supports: JS reaches its maximum, ln 2.
      NDArray x = Divergence.logProbabilities(m.create(new float[] {80f, 0f}, new Shape(1, 2)));
      NDArray y = Divergence.logProbabilities(m.create(new float[] {0f, 80f}, new Shape(1, 2)));
      assertEquals(Math.log(2), Divergence.jensenShannonSum(x, y), 1e-12);
    }
  }

  @Test
  void angularDistanceIsArccosOverPi() {
    try (NDManager m = TorchRuntime.start(new RuntimeOptions("cpu", 1, 1)).newBaseManager()) {
      NDArray a = Divergence.unitRows(m.create(new float[] {1, 0, 3, 4, 1, 1}, new Shape(3, 2)));
      NDArray b = Divergence.unitRows(m.create(new float[] {0, 2, 3, 4, -1, -1}, new Shape(3, 2)));
      // orthogonal 0.5, identical 0, opposite 1
      assertEquals(1.5, Divergence.angularSum(a, b), 1e-7);
      NDArray c = Divergence.unitRows(m.create(new float[] {1, 0}, new Shape(1, 2)));
      NDArray d = Divergence.unitRows(m.create(new float[] {1, 1}, new Shape(1, 2)));
      assertEquals(0.25, Divergence.angularSum(c, d), 1e-12);
    }
  }

  @Test
  void orderPrefixesRatiosAndReport() {
    RemovalOrder order =
        new RemovalOrder(
            2,
            "test",
            List.of(
                new RemovalStep(1, Sublayer.ffn(1), 0.01, Map.of(Sublayer.ffn(1), 0.01)),
                new RemovalStep(
                    2, Sublayer.attention(1), 0.03, Map.of(Sublayer.attention(1), 0.03))),
            10,
            20,
            5);
    assertEquals(List.of(Sublayer.ffn(1)), List.copyOf(order.atRatio(0.25)));
    assertEquals(2, order.atRatio(0.5).size());
    assertTrue(order.atRatio(0).isEmpty());
    var e = assertThrows(IllegalArgumentException.class, () -> order.atRatio(0.75));
    assertTrue(e.getMessage().contains("search ratio"), e.getMessage());
    String picture = FinerCutReport.picture(order);
    assertTrue(picture.contains("    1         x2  x1     [    ][   ]"), picture);
    assertTrue(picture.contains("    0          .  .      [ATTN][FFN]"), picture);
    String md = FinerCutReport.markdown(order, List.of(0.25, 0.5));
    assertTrue(md.contains("| 50.0% | 2 | 1 | 1 | 0.03 |"), md);
    assertEquals("finercut-r12.5", FinerCutVariant.name(0.125));
    assertEquals("finercut-r25", FinerCutVariant.name(0.25));
  }

  private static float[] flat(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
    }
    return out;
  }

  private static double[] softmax(float[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < z.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static double js(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      s += 0.5 * p[i] * Math.log(p[i] / m) + 0.5 * q[i] * Math.log(q[i] / m);
    }
    return s;
  }
}
