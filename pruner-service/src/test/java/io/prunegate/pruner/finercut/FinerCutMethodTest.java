package io.prunegate.pruner.finercut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.chip.ChipKind;
import io.prunegate.pruner.chip.ChipRecipeAssert;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.chip.LayerSelection;
import io.prunegate.pruner.data.BuiltinDatasets;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.jobs.CompressionMethods;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.pruner.method.CompressionRequest;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FinerCut as the pruner service's policy method. */
class FinerCutMethodTest {

  @Test
  void parametersAreCheckedNamingTheField() {
    FinerCutMethod method = new FinerCutMethod();
    method.validate(spec(Map.of("ratios", List.of(0.25), "exclude_layers", List.of(0))));
    var e =
        assertThrows(
            PolicyException.class, () -> method.validate(spec(Map.of("ratio", List.of(0.25)))));
    assertTrue(e.getMessage().contains("methods[0].ratio"), e.getMessage());
    e =
        assertThrows(
            PolicyException.class, () -> method.validate(spec(Map.of("ratios", List.of(1.5)))));
    assertTrue(e.getMessage().contains("methods[0].ratios"), e.getMessage());
    e =
        assertThrows(
            PolicyException.class, () -> method.validate(spec(Map.of("criterion", "loss"))));
    assertTrue(e.getMessage().contains("methods[0].criterion"), e.getMessage());
    e =
        assertThrows(
            PolicyException.class,
            () -> method.validate(spec(Map.of("calibration_layout", "columns"))));
    assertTrue(e.getMessage().contains("methods[0].calibration_layout"), e.getMessage());
    method.validate(spec(Map.of("criterion", "chip_js", "calibration_layout", "stream")));
    assertTrue(CompressionMethods.builtin().names().contains("finercut"));
  }

  @Test
  void compressWritesClassifierCandidatesWithABaseline(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    List<Candidate> candidates =
        compress(
            Map.of(
                "ratios", List.of(0.25), "sequences", 4, "tokens", 32, "max_train_examples", 100),
            out);
    assertEquals(List.of("r0", "r25"), candidates.stream().map(Candidate::role).toList());
    assertTrue(candidates.get(0).baseline());
    assertFalse(candidates.get(1).baseline());
    Candidate pruned = candidates.get(1);
    VariantBundle.verify(pruned.bundle());
    BundleManifest m = VariantBundle.readManifest(pruned.bundle());
    assertEquals(9, m.structure().attentionSublayers() + m.structure().ffnSublayers());
    assertEquals(DATA.train().labelNames(), m.labels());
    // the chip-tuning recipe with the chip method's defaults: the deepest chip reads the pruned
    // backbone's last layer, calibrated exits before it
    ChipRecipeAssert.assertChipTuningChips(
        pruned.bundle(), ChipTuningOptions.defaults().withThreads(1));
    assertEquals(6, m.structure().chipDepths().get(m.structure().chipDepths().size() - 1));
    assertTrue(m.data().containsKey("chip_train") && m.data().containsKey("calibration"));
    try (TextClassifier c = TextClassifier.load(pruned.bundle(), CPU)) {
      assertEquals(2, c.classify(DATA.validation().texts().subList(0, 2)).size());
    }
  }

  @Test
  void chipParametersChooseTheRecipesHeadPoolingAndEnsemble(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    List<Candidate> candidates =
        compress(
            Map.of(
                "ratios",
                List.of(0.25),
                "sequences",
                4,
                "tokens",
                32,
                "max_train_examples",
                100,
                "head",
                "linear",
                "pooling",
                "mean",
                "ensemble",
                2,
                "early_exit",
                false),
            out);
    ChipTuningOptions expected =
        new ChipTuningOptions(
            ChipKind.LINEAR,
            2,
            Optional.of(Pooling.MEAN),
            LayerSelection.defaults(),
            1.0,
            false,
            100,
            32,
            42L,
            1);
    for (Candidate c : candidates) {
      ChipRecipeAssert.assertChipTuningChips(c.bundle(), expected);
      assertEquals(List.of(6), VariantBundle.readManifest(c.bundle()).structure().chipDepths());
    }
  }

  @Test
  void taskAwareCriterionTrainsAReferenceChipAndCalibratesOnLines(@TempDir Path tmp)
      throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    List<Candidate> candidates =
        compress(
            Map.of(
                "criterion",
                "chip_js",
                "ratios",
                List.of(0.25),
                "sequences",
                6,
                "tokens",
                32,
                "max_train_examples",
                100,
                "baseline",
                false),
            out);
    assertEquals(List.of("r25"), candidates.stream().map(Candidate::role).toList());
    // The reference chip reads the unpruned backbone (all 6 layers) and is not a candidate.
    BundleManifest reference = VariantBundle.readManifest(out.resolve("reference-chip"));
    assertEquals(List.of(6), reference.structure().chipDepths());
    assertEquals(
        12, reference.structure().attentionSublayers() + reference.structure().ffnSublayers());
    BundleManifest m = VariantBundle.readManifest(candidates.get(0).bundle());
    assertEquals(9, m.structure().attentionSublayers() + m.structure().ffnSublayers());
    @SuppressWarnings("unchecked")
    Map<String, Object> calibration = (Map<String, Object>) m.data().get("calibration");
    assertEquals("lines", calibration.get("layout"));
    assertEquals(6, ((Number) calibration.get("sequences")).intValue());
    String report = Files.readString(candidates.get(0).bundle().resolve(FinerCutVariant.REPORT));
    assertTrue(report.contains("chip-js"), report);
  }

  private static final DatasetSplits DATA = BuiltinDatasets.supportTickets();
  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", 1, 1);

  /** Runs the method with {@code params} on MiniLM-L6 and the support-ticket task into out. */
  private static List<Candidate> compress(Map<String, Object> params, Path out) throws Exception {
    Path model = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    return new FinerCutMethod()
        .compress(
            new CompressionRequest(
                spec(params), "minilm", 1, model, DATA, Optional.empty(), out, CPU, 42L, 5),
            ProgressListener.NONE);
  }

  private static MethodSpec spec(Map<String, Object> params) {
    return new MethodSpec("finercut", params, "methods[0]", "finercut");
  }
}
