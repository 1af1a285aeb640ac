package io.prunegate.pruner.finercut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.chip.ChipRecipe;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.data.CalibrationText;
import io.prunegate.pruner.data.DatasetColumns;
import io.prunegate.pruner.data.DatasetReader;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.data.LabelledDataset;
import io.prunegate.pruner.data.QualityData;
import io.prunegate.pruner.evaluation.VariantEvaluator;
import io.prunegate.pruner.evaluation.VariantSpeedBenchmark;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FinerCut on bge-small-en-v1.5 with SST-2 (quality profile, needs PRUNEGATE_DATA), task-aware and
 * chipped as {@link FinerCutMethod} does: the chip-tuning recipe ({@link ChipRecipe}: MLP heads,
 * ensembles of 5, pooling chosen on validation; 4,000 train sentences, 500 more for validation)
 * trains the unpruned backbone's reference chip without exits; the removal order up to 37.5% of the
 * 24 sublayers is searched with the chip criterion (JS divergence of that chip's class
 * distributions) on 256 SST-2 train sentences, one sequence each; the unpruned bundle and those at
 * 12.5%, 25% and 37.5% removed then get the recipe's served chips (early exit within 1.0 point
 * where it saves layers) and are evaluated on dev.tsv: accuracy, the attention/FFN mix removed and
 * batch-32 throughput against the unpruned model in alternating rounds. Target: at 25% removed, at
 * least 97% of the unpruned model's accuracy.
 */
@Tag("quality")
class FinerCutQualityTest {

  private static final double[] RATIOS = {0, 0.125, 0.25, 0.375};
  private static final int CALIBRATION_SENTENCES = 256;

  @Test
  void bgeSmallKeepsChipAccuracyOnSst2AtAQuarterOfSublayersRemoved(@TempDir Path tmp)
      throws Exception {
    Path sst2 = QualityData.dir().resolve("sst2");
    RuntimeOptions runtime = new RuntimeOptions("cpu", 2, 1);
    List<String> lines = Files.readAllLines(sst2.resolve("train.tsv"));
    lines.removeIf(String::isBlank);
    // Calibration: sentence-like train rows (>= 8 words) from the last 3,000 lines, one per line.
    Path calibrationFile = tmp.resolve("sst2-calibration.txt");
    List<String> calibrationLines = new ArrayList<>();
    for (String line : lines.subList(lines.size() - 3000, lines.size())) {
      String text = line.substring(0, line.lastIndexOf('\t')).strip();
      if (text.split("\\s+").length >= 8 && calibrationLines.size() < CALIBRATION_SENTENCES) {
        calibrationLines.add(text);
      }
    }
    Files.write(calibrationFile, calibrationLines);
    LabelledDataset all = DatasetReader.read(sst2.resolve("train.tsv"), DatasetColumns.infer());
    LabelledDataset[] parts = all.sample(4500, 11).split(500, 11);
    LabelledDataset train = parts[0];
    LabelledDataset validation = parts[1];
    LabelledDataset dev = DatasetReader.read(sst2.resolve("dev.tsv"), DatasetColumns.infer());
    assertEquals(4000, train.size());

    Path modelDir = DefaultModels.ensureImported(DefaultModel.BGE_SMALL_EN_V15).directory();
    FinerCutOptions options = FinerCutOptions.defaults().withSearchRatio(0.375);
    DatasetSplits splits = new DatasetSplits(train, validation, Optional.empty());
    ChipTuningOptions recipe = ChipTuningOptions.defaults().withThreads(2);
    List<Path> bundles = new ArrayList<>();
    Path reference = tmp.resolve("reference-chip");
    Path unpruned = tmp.resolve(FinerCutVariant.name(0));
    try (LoadedModel model = LoadedModel.load(modelDir, runtime)) {
      FinerCutVariant.writeUnpruned(model, options, reference);
      FinerCutVariant.writeUnpruned(model, options, unpruned);
    }
    // The criterion compares the class distributions of the full-depth chip alone: no exits.
    new ChipRecipe(recipe.withEarlyExit(false)).apply(reference, splits, ProgressListener.NONE);
    bundles.add(unpruned);
    RemovalOrder order;
    try (LoadedModel model = LoadedModel.load(modelDir, runtime)) {
      CalibrationText calibration =
          FinerCut.calibration(
              model,
              calibrationFile,
              CalibrationText.Layout.LINES,
              Optional.of(CALIBRATION_SENTENCES),
              Optional.empty());
      assertEquals(CALIBRATION_SENTENCES, calibration.count());
      order =
          new FinerCut(options, runtime)
              .search(
                  model,
                  calibration,
                  FinerCut.criterion(model, FinerCut.Criterion.CHIP_JS, Optional.of(reference)),
                  ProgressListener.NONE);
      for (int i = 1; i < RATIOS.length; i++) {
        Path dir = tmp.resolve(FinerCutVariant.name(RATIOS[i]));
        FinerCutVariant.write(
            model, order, RATIOS[i], options, calibration.describe(), Optional.empty(), dir);
        bundles.add(dir);
      }
      System.out.printf(
          Locale.ROOT,
          "calibration: %d SST-2 train sentences, %d tokens%n",
          calibration.count(),
          calibration.totalTokens());
    }
    System.out.println(FinerCutReport.markdown(order, List.of(RATIOS[1], RATIOS[2], RATIOS[3])));
    System.out.printf(
        Locale.ROOT,
        "bge-small removal order to 37.5%%: %d sublayer evaluations (naive %d), %.1f s%n",
        order.sublayerEvaluations(),
        order.naiveSublayerEvaluations(),
        order.wallMillis() / 1000.0);

    VariantEvaluator evaluator = new VariantEvaluator(runtime, 0);
    double[] accuracy = new double[RATIOS.length];
    Map<String, Path> byName = new LinkedHashMap<>();
    ChipRecipe chips = new ChipRecipe(recipe);
    for (int i = 0; i < RATIOS.length; i++) {
      chips.apply(bundles.get(i), splits, ProgressListener.NONE);
      accuracy[i] = evaluator.evaluate(bundles.get(i), dev).accuracy();
      byName.put(i == 0 ? "full" : FinerCutVariant.name(RATIOS[i]), bundles.get(i));
    }
    System.out.println("throughput: SST-2 dev sentences in batches of 32, same batches for all:");
    VariantSpeedBenchmark.Result bench =
        VariantSpeedBenchmark.run(byName, dev.texts(), 32, 2, runtime, System.out);
    System.out.println(
        "| removed | attention | FFN | dev accuracy | kept | batch-32 throughput | gain |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    List<String> names = List.copyOf(byName.keySet());
    for (int i = 0; i < RATIOS.length; i++) {
      FinerCutReport.Mix mix = FinerCutReport.Mix.of(order.atRatio(RATIOS[i]));
      String name = names.get(i);
      System.out.printf(
          Locale.ROOT,
          "| %.1f%% | %d | %d | %.2f%% | %.1f%% | %.1f/s | %.2fx |%n",
          100 * RATIOS[i],
          mix.attention(),
          mix.ffn(),
          100 * accuracy[i],
          100 * accuracy[i] / accuracy[0],
          bench.batches() * 32 / bench.seconds().get(name),
          bench.ratios().get(name));
    }
    assertTrue(accuracy[0] > 0.85, "unpruned accuracy " + accuracy[0]);
    assertTrue(
        accuracy[2] >= 0.97 * accuracy[0],
        String.format(
            Locale.ROOT,
            "25%% removed keeps %.2f%% of the unpruned accuracy (%.4f vs %.4f), target 97%%",
            100 * accuracy[2] / accuracy[0],
            accuracy[2],
            accuracy[0]));
    for (int i = 1; i < RATIOS.length; i++) {
      assertTrue(accuracy[i] > 0.5, "ratio " + RATIOS[i] + " serves");
      // Fewer sublayers run: each ratio is at least as fast as the unpruned model.
      assertTrue(bench.ratios().get(names.get(i)) > 1.0, "throughput ratios " + bench.ratios());
    }
  }
}
