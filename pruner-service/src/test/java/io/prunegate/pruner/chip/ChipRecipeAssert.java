package io.prunegate.pruner.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.Chip;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.chip.MlpChip;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks that a variant bundle of any method serves chips trained the chip-tuning way: the manifest
 * says so, with the recipe's head, ensemble and pooling, and {@code chips.safetensors} holds chips
 * of that head and pooling whose deepest one reads the bundle's last layer.
 */
public final class ChipRecipeAssert {

  private ChipRecipeAssert() {}

  /** Asserts the bundle's chips follow {@code expected}; returns the manifest's chip details. */
  public static Map<String, Object> assertChipTuningChips(Path bundle, ChipTuningOptions expected) {
    VariantBundle.verify(bundle);
    BundleManifest m = VariantBundle.readManifest(bundle);
    @SuppressWarnings("unchecked")
    Map<String, Object> chip = (Map<String, Object>) m.details().get("chip");
    assertEquals(ChipRecipe.RECIPE, chip.get("recipe"), chip.toString());
    assertEquals(expected.head().name().toLowerCase(java.util.Locale.ROOT), chip.get("kind"));
    assertEquals(expected.ensemble(), ((Number) chip.get("ensemble")).intValue());
    assertEquals(expected.earlyExit(), chip.get("early_exit"));
    expected.pooling().ifPresent(p -> assertEquals(p.wireName(), chip.get("pooling")));
    if (expected.pooling().isEmpty()) {
      // automatic pooling: chosen on validation among the probed ones, as chip-tuning does
      @SuppressWarnings("unchecked")
      Map<String, Object> scores = (Map<String, Object>) chip.get("pooling_linear_probe_scores");
      if (scores != null) {
        assertTrue(scores.containsKey(chip.get("pooling")), scores.toString());
      }
    }
    try (LoadedModel model = LoadedModel.load(bundle, new RuntimeOptions("cpu", 1, 1))) {
      ChipSet set = ChipSet.read(bundle, model.manager());
      assertEquals(chip.get("pooling"), set.pooling().wireName());
      assertEquals(model.config().numLayers(), set.maxDepth());
      assertEquals(m.structure().chipDepths(), set.chips().stream().map(Chip::depth).toList());
      assertEquals(m.labels(), set.labels());
      // the manifest's evaluation is the served chips' own, on validation
      assertEquals(model.config().numLayers(), m.evaluation().perDepthAccuracy().size());
      if (set.chips().size() == 1) {
        assertEquals(
            ((Number) chip.get("validation_accuracy")).doubleValue(),
            m.evaluation().accuracy(),
            1e-12);
      }
      Class<? extends Chip> kind =
          expected.head() == ChipKind.MLP ? MlpChip.class : LinearChip.class;
      for (Chip c : set.chips()) {
        assertTrue(kind.isInstance(c), c.getClass() + " is not a " + kind.getSimpleName());
      }
      if (!expected.earlyExit()) {
        assertEquals(1, set.chips().size());
      }
    }
    return chip;
  }
}
