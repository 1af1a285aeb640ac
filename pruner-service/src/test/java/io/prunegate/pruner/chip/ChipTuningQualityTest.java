package io.prunegate.pruner.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.DatasetColumns;
import io.prunegate.pruner.data.DatasetReader;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.data.LabelledDataset;
import io.prunegate.pruner.data.QualityData;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.evaluation.VariantEvaluator;
import io.prunegate.pruner.evaluation.VariantSpeedBenchmark;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chip-tuning quality on real data with bge-small-en-v1.5: train on at most 8,000 training
 * sentences, select on 500 held out from train, report on the dev split. Prints the per-layer
 * table, the chosen layer, the pruning ratio and the variants' accuracy, and the throughput ratios
 * of the truncated, half-depth and early-exit variants against the full model on the same batches.
 */
@Tag("quality")
class ChipTuningQualityTest {

  private static final int THREADS = Integer.getInteger("prunegate.test.threads", 2);

  /** Minimum words of the SST-2 training rows used (sentence-like rows, not short phrases). */
  private static final int SST2_MIN_WORDS = 10;

  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", THREADS, 1);

  private static ChipTuningResult run(
      String title, LabelledDataset trainFile, LabelledDataset dev, Path out) {
    LabelledDataset[] parts = trainFile.splitBySource(500, 42);
    DatasetSplits splits = new DatasetSplits(parts[0], parts[1], Optional.of(dev));
    Path model = DefaultModels.ensureImported(DefaultModel.BGE_SMALL_EN_V15).directory();
    ChipTuningOptions options = ChipTuningOptions.defaults().withThreads(THREADS);
    long t0 = System.nanoTime();
    ChipTuningResult r =
        new ChipTuner(options, ChipTrainer.Settings.defaults(), 10)
            .tune(model, splits, out, (f, m) -> {});
    double minutes = (System.nanoTime() - t0) / 60e9;
    BundleManifest trunc = VariantBundle.readManifest(r.truncatedBundle());
    System.out.printf(
        "%n== %s, bge-small-en-v1.5, %s chips (ensembles of %d seeds), %s pooling (train %d, validation %d held out from"
            + " train, dev %d; %.1f min on %d thread(s)) ==%n",
        title,
        options.head().name().toLowerCase(),
        options.ensemble(),
        r.pooling().wireName(),
        Math.min(parts[0].size(), options.maxTrainExamples()),
        parts[1].size(),
        dev.size(),
        minutes,
        THREADS);
    System.out.println("| layer | validation acc | dev acc |");
    System.out.println("|---:|---:|---:|");
    for (LayerAccuracy a : r.curve()) {
      System.out.printf(
          "| %d%s | %.4f | %.4f |%n",
          a.depth(),
          a.depth() == r.chosenLayer() ? " (chosen)" : "",
          a.validationAccuracy(),
          a.testAccuracy());
    }
    System.out.printf(
        "chosen layer %d of %d: %d layers removed (%.0f%%), %.1f%% of backbone parameters removed%n",
        r.chosenLayer(),
        r.curve().size(),
        r.curve().size() - r.chosenLayer(),
        100 * r.layerPruningRatio(),
        100 * trunc.structure().parameterReduction());
    r.evaluations()
        .forEach(
            (k, v) ->
                System.out.printf(
                    "%-10s dev accuracy %.4f  mean layers %s  MFLOP/token %.1f%n",
                    k,
                    v.accuracy(),
                    Double.isNaN(v.meanExitLayer())
                        ? "-"
                        : String.format("%.2f", v.meanExitLayer()),
                    v.flopsPerToken() / 1e6));
    return r;
  }

  private static double bestDev(ChipTuningResult r) {
    return r.curve().stream().mapToDouble(LayerAccuracy::testAccuracy).max().orElseThrow();
  }

  @Test
  void sst2(@TempDir Path out) {
    Path dir = QualityData.dir().resolve("sst2");
    // train.tsv holds SST-2 phrases (many of 1-3 words, spans of the same sentences); dev.tsv holds
    // sentences. Training uses the sentence-like rows (>= 10 words, deduplicated); validation is
    // 500
    // whole sentences held out by source (splitBySource), their spans dropped from training, so
    // that validation resembles dev and selection and exit calibration transfer.
    LabelledDataset train =
        DatasetReader.read(dir.resolve("train.tsv"), DatasetColumns.infer())
            .sentenceLike(SST2_MIN_WORDS);
    LabelledDataset dev = DatasetReader.read(dir.resolve("dev.tsv"), DatasetColumns.infer());
    assertEquals(train.labelNames(), dev.labelNames());
    ChipTuningResult r = run("SST-2", train, dev, out);
    int layers = r.curve().size();
    int half = layers / 2;

    Path halfBundle = out.resolve("half");
    ChipBundleWriter.truncatedFrom(
        DefaultModels.ensureImported(DefaultModel.BGE_SMALL_EN_V15).directory(),
        out.resolve("all-chips"),
        half,
        halfBundle,
        CPU);
    VariantEvaluation halfEval = new VariantEvaluator(CPU, 0).evaluate(halfBundle, dev);
    System.out.printf("half (%d layers) dev accuracy %.4f%n", half, halfEval.accuracy());
    Map<String, Path> bundles = new LinkedHashMap<>();
    bundles.put("full", r.fullDepthBundle());
    bundles.put("truncated", r.truncatedBundle());
    bundles.put("half", halfBundle);
    bundles.put("early-exit", r.earlyExitBundle().orElseThrow());
    System.out.println("benchmark: SST-2 dev sentences in batches of 32, same batches for all:");
    VariantSpeedBenchmark.Result bench =
        VariantSpeedBenchmark.run(bundles, dev.texts(), 32, 2, CPU, System.out);

    double best = bestDev(r);
    VariantEvaluation chosen = r.evaluations().get("truncated");
    VariantEvaluation exit = r.evaluations().get("early-exit");
    System.out.printf(
        "target, half-depth within 2.0 points of best: %s (%.4f vs %.4f)%n",
        halfEval.accuracy() >= best - 0.02 ? "met" : "NOT MET", halfEval.accuracy(), best);
    System.out.printf(
        "target, early exit within 1.0 point of the chosen variant at <= %d mean layers: %s"
            + " (%.4f vs %.4f, mean layers %.2f)%n",
        half,
        exit.accuracy() >= chosen.accuracy() - 0.01 && exit.meanExitLayer() <= half
            ? "met"
            : "NOT MET",
        exit.accuracy(),
        chosen.accuracy(),
        exit.meanExitLayer());
    System.out.printf(
        "target, chosen variant removes >= 25%% of the layers: %s (layer %d of %d, %.0f%%)%n",
        r.chosenLayer() <= layers * 3 / 4 ? "met" : "NOT MET",
        r.chosenLayer(),
        layers,
        100 * r.layerPruningRatio());
    assertTrue(best >= 0.88, "best layer dev accuracy " + best);
    assertTrue(
        r.layerPruningRatio() >= 0.25,
        "chosen layer " + r.chosenLayer() + " removes " + r.layerPruningRatio() + " of the layers");
    assertTrue(
        halfEval.accuracy() >= best - 0.02,
        "half-depth dev accuracy " + halfEval.accuracy() + " vs best " + best);
    assertTrue(
        exit.accuracy() >= chosen.accuracy() - 0.01,
        "early-exit dev accuracy " + exit.accuracy() + " vs chosen " + chosen.accuracy());
    assertTrue(exit.meanExitLayer() <= layers / 2.0, "mean exit layer " + exit.meanExitLayer());
    assertTrue(bench.ratios().get("half") >= 1.8, "half-depth throughput ratio " + bench.ratios());
  }

  @Test
  void emotion(@TempDir Path out) {
    Path dir = QualityData.dir().resolve("emotion");
    LabelledDataset train = DatasetReader.read(dir.resolve("train.jsonl"), DatasetColumns.infer());
    LabelledDataset dev =
        DatasetReader.splits(
                dir.resolve("train.jsonl"),
                Optional.of(dir.resolve("validation.jsonl")),
                Optional.empty(),
                DatasetColumns.infer(),
                0.1,
                0)
            .validation();
    assertEquals(6, train.numClasses());
    ChipTuningResult r = run("emotion", train, dev, out);
    int majority = 0;
    for (int c : dev.classCounts()) {
      majority = Math.max(majority, c);
    }
    double chance = (double) majority / dev.size();
    assertTrue(bestDev(r) > chance + 0.2, "best " + bestDev(r) + " vs majority " + chance);
    assertTrue(r.evaluations().get("early-exit").meanExitLayer() < r.curve().size());
    assertEquals(
        List.copyOf(r.curve()).size(),
        VariantBundle.readManifest(r.truncatedBundle()).evaluation().perDepthAccuracy().size());
  }
}
