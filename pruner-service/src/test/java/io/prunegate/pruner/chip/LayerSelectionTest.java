package io.prunegate.pruner.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerSelectionTest {

  private static List<LayerAccuracy> curve(double... acc) {
    List<LayerAccuracy> c = new ArrayList<>();
    for (int i = 0; i < acc.length; i++) {
      c.add(new LayerAccuracy(i + 1, acc[i], 0.5, Double.NaN));
    }
    return c;
  }

  @Test
  void shallowestWithinTolerance() {
    List<LayerAccuracy> c = curve(0.70, 0.80, 0.862, 0.868, 0.872, 0.870, 0.866, 0.860);
    assertEquals(4, new LayerSelection.Shallowest(0.5).select(c));
    assertEquals(3, new LayerSelection.Shallowest(1.0).select(c));
    assertEquals(5, new LayerSelection.Shallowest(0.0).select(c));
    assertEquals(2, new LayerSelection.Shallowest(10.0).select(c));
    // A point exactly on the boundary (0.872 - 0.010 = 0.862) is within the tolerance.
    assertEquals(3, LayerSelection.defaults().select(c));
  }

  @Test
  void fixedAndTargetRatio() {
    List<LayerAccuracy> c = curve(0.5, 0.6, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8);
    assertEquals(7, new LayerSelection.Fixed(7).select(c));
    assertThrows(IllegalArgumentException.class, () -> new LayerSelection.Fixed(13).select(c));
    assertEquals(6, new LayerSelection.TargetRatio(0.5).select(c));
    assertEquals(9, new LayerSelection.TargetRatio(0.25).select(c));
    assertEquals(8, new LayerSelection.TargetRatio(0.3).select(c));
    assertEquals(12, new LayerSelection.TargetRatio(0.0).select(c));
    assertEquals(1, new LayerSelection.TargetRatio(0.99).select(c));
    assertThrows(IllegalArgumentException.class, () -> new LayerSelection.TargetRatio(1.0));
    assertThrows(IllegalArgumentException.class, () -> new LayerSelection.Shallowest(-1));
  }
}
