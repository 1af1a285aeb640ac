package io.prunegate.pruner.chip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.classify.Prediction;
import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.safetensors.SafetensorsFile;
import io.prunegate.pruner.data.BuiltinDatasets;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.data.LabelledDataset;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.evaluation.VariantEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chip-tuning end to end on the shipped support-ticket dataset with the real MiniLM backbone (6
 * layers): chips train, the layer follows the policy, the truncated variant equals the full model's
 * chip at that layer bit for bit, and early exit reports exit layers.
 */
class ChipTunerTest {

  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", 1, 1);

  @TempDir static Path out;

  private static Path modelDir;
  private static DatasetSplits data;
  private static ChipTuningResult result;

  @BeforeAll
  static void tune() {
    modelDir = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    data = BuiltinDatasets.supportTickets();
    ChipTuningOptions options = ChipTuningOptions.defaults().withThreads(1);
    List<String> progress = new ArrayList<>();
    result =
        new ChipTuner(options, ChipTrainer.Settings.defaults(), 3)
            .tune(modelDir, data, out, (f, m) -> progress.add(m));
    System.out.println("support-tickets, MiniLM-L6, MLP chips, pooling " + result.pooling());
    System.out.println(" depth  val acc  val loss  test acc");
    for (LayerAccuracy a : result.curve()) {
      System.out.printf(
          " %5d  %7.4f  %8.4f  %8.4f%n",
          a.depth(), a.validationAccuracy(), a.validationLoss(), a.testAccuracy());
    }
    System.out.println("chosen layer " + result.chosenLayer());
    result.evaluations().forEach((k, v) -> System.out.println(k + ": " + v));
    assertFalse(progress.isEmpty());
  }

  @Test
  void chipsTrainOnEveryLayer() {
    assertEquals(6, result.curve().size());
    double best =
        result.curve().stream().mapToDouble(LayerAccuracy::validationAccuracy).max().orElseThrow();
    // Five balanced classes: chance is 0.2; a trained chip on a sentence encoder separates them.
    assertTrue(best >= 0.8, "best validation accuracy " + best);
    for (LayerAccuracy a : result.curve()) {
      assertTrue(a.validationAccuracy() > 0.4, "layer " + a.depth() + ": " + a);
      assertTrue(a.testAccuracy() > 0.4, "layer " + a.depth() + ": " + a);
    }
  }

  @Test
  void selectionFollowsTheShallowestWithinTolerancePolicy() {
    double best =
        result.curve().stream().mapToDouble(LayerAccuracy::validationAccuracy).max().orElseThrow();
    int expected =
        result.curve().stream()
            .filter(a -> a.validationAccuracy() >= best - 0.01 - 1e-9)
            .mapToInt(LayerAccuracy::depth)
            .min()
            .orElseThrow();
    assertEquals(expected, result.chosenLayer());
  }

  @Test
  void truncatedVariantHasTheLayersRemovedAndEqualsTheFullModelsChipExactly() throws Exception {
    int chosen = result.chosenLayer();
    Path trunc = result.truncatedBundle();
    VariantBundle.verify(trunc);
    assertEquals(chosen, ModelConfig.read(trunc).numLayers());
    try (SafetensorsFile f = SafetensorsFile.open(trunc.resolve("model.safetensors"))) {
      Set<String> names = new TreeSet<>(f.tensors().keySet());
      assertTrue(names.stream().anyMatch(n -> n.contains("layer." + (chosen - 1) + ".")));
      assertTrue(names.stream().noneMatch(n -> n.contains("layer." + chosen + ".")), names + "");
    }
    assertTrue(
        Files.size(trunc.resolve("model.safetensors"))
            < Files.size(result.fullDepthBundle().resolve("model.safetensors")));
    BundleManifest m = VariantBundle.readManifest(trunc);
    assertEquals("chip", m.method());
    // The default chips are ensembles of 5 MLPs merged into one chip 5 x 256 wide.
    assertEquals(5, ((Number) m.parameters().get("ensemble")).intValue());
    assertEquals(chosen, m.structure().layers());
    assertEquals(6, m.structure().parentLayers());
    assertTrue(m.structure().parameters() < m.structure().parentParameters());
    assertEquals(6, m.evaluation().perDepthAccuracy().size());
    assertTrue(m.latency().batch32P50Ms() > 0);

    List<String> texts = data.test().orElseThrow().texts().subList(0, 48);
    try (LoadedModel full = LoadedModel.load(modelDir, CPU);
        TextClassifier truncated = TextClassifier.load(trunc, CPU);
        NDManager m2 = full.newBatchManager()) {
      ChipSet chips = ChipSet.read(trunc, m2);
      TextClassifier reference = TextClassifier.of(full, chips);
      for (int from = 0; from < texts.size(); from += 16) {
        TokenBatch batch = full.tokenize(texts.subList(from, from + 16));
        List<Prediction> a = truncated.classify(batch, false);
        List<Prediction> b = reference.classify(batch, false);
        for (int i = 0; i < a.size(); i++) {
          assertEquals(b.get(i).labelIndex(), a.get(i).labelIndex());
          assertArrayEquals(b.get(i).probabilities(), a.get(i).probabilities());
          assertEquals(chosen, a.get(i).exitDepth());
        }
      }
    }
  }

  @Test
  void earlyExitReportsExitLayersAtTheChipsItKeeps() throws Exception {
    Path exit = result.earlyExitBundle().orElseThrow();
    VariantBundle.verify(exit);
    BundleManifest m = VariantBundle.readManifest(exit);
    List<String> texts = data.test().orElseThrow().texts();
    try (TextClassifier c = TextClassifier.load(exit, CPU)) {
      ChipSet chips = c.chips();
      assertEquals(m.structure().chipDepths(), chips.chips().stream().map(x -> x.depth()).toList());
      Set<Integer> depths = new TreeSet<>(m.structure().chipDepths());
      List<Prediction> preds = new ArrayList<>();
      for (int from = 0; from < texts.size(); from += 32) {
        preds.addAll(c.classify(texts.subList(from, Math.min(texts.size(), from + 32))));
      }
      double mean = 0;
      for (Prediction p : preds) {
        assertTrue(depths.contains(p.exitDepth()), "exit at " + p.exitDepth());
        chips
            .threshold(p.exitDepth())
            .ifPresent(t -> assertTrue(p.confidence() >= t, p.confidence() + " < " + t));
        mean += p.exitDepth();
      }
      mean /= preds.size();
      VariantEvaluation v = result.evaluations().get("early-exit");
      assertEquals(mean, v.meanExitLayer(), 1e-9);
      assertTrue(mean <= chips.maxDepth());
    }
  }

  @Test
  void evaluatorMatchesTheReportedFiguresAndRejectsForeignLabels() {
    VariantEvaluator evaluator = new VariantEvaluator(CPU, 0);
    VariantEvaluation v = evaluator.evaluate(result.truncatedBundle(), data.test().orElseThrow());
    assertEquals(result.evaluations().get("truncated").accuracy(), v.accuracy(), 1e-12);
    assertTrue(Double.isNaN(v.meanExitLayer()));
    LabelledDataset foreign =
        new LabelledDataset("foreign.tsv", List.of("hi"), List.of(0), List.of("spam"));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> evaluator.evaluate(result.truncatedBundle(), foreign));
    assertTrue(e.getMessage().contains("foreign.tsv") && e.getMessage().contains("'spam'"));
  }

  @Test
  void reportHasTheCurveAndTheVariants() throws Exception {
    String html = Files.readString(result.report());
    assertTrue(html.contains("<svg") && html.contains("<polyline"));
    assertTrue(html.contains("Chosen layer: " + result.chosenLayer()));
    assertTrue(html.contains("95% interval"));
    double first = result.curve().get(0).validationAccuracy();
    assertTrue(html.contains(ChipReport.interval(first, data.validation().size())), html);
    // Wilson's interval for 450 of 500 (R: prop.test(450, 500, correct = FALSE)$conf.int).
    assertEquals("0.871-0.923", ChipReport.interval(0.9, 500));
    assertEquals("0.000-0.161", ChipReport.interval(0.0, 20));
    for (String k : List.of("full", "truncated", "early-exit")) {
      assertTrue(html.contains(">" + k + "<"), k);
    }
    Map<String, VariantEvaluation> e = result.evaluations();
    assertTrue(e.get("truncated").flopsPerToken() <= e.get("full").flopsPerToken());
  }
}
