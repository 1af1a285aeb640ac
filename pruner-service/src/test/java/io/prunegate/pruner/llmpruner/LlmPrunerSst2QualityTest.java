package io.prunegate.pruner.llmpruner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.DatasetColumns;
import io.prunegate.pruner.data.DatasetReader;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.data.QualityData;
import io.prunegate.pruner.lora.LoraOptions;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LLM-Pruner with the task loss on bge-small-en-v1.5 / SST-2 (quality profile): the dense frozen
 * last-layer chip, then 20% and 40% of the pruned layers' (2-11, 1-based) parameters removed,
 * without and with one LoRA epoch, and the dense model given the same LoRA budget. Budget: 1,000
 * training sentences for the chips (128 of them for importance), the next 1,000 for the LoRA epoch,
 * dev.tsv (872) for accuracy; one engine thread.
 */
@Tag("quality")
class LlmPrunerSst2QualityTest {

  /** Training sentences for the chips, and as many more for the LoRA epoch (the CPU budget). */
  private static final int TRAIN = 1000;

  /** Prints a result line and appends it to target/llm-pruner-sst2.txt (readable while running). */
  private static void report(String format, Object... args) {
    String line = String.format(java.util.Locale.ROOT, format, args);
    System.out.print(line);
    try {
      java.nio.file.Files.writeString(
          Path.of("target", "llm-pruner-sst2.txt"),
          line,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void prunesAndRecoversBgeSmallOnSst2() {
    Path data = QualityData.dir().resolve("sst2");
    DatasetSplits splits =
        DatasetReader.splits(
            data.resolve("train.tsv"),
            Optional.of(data.resolve("dev.tsv")),
            Optional.empty(),
            DatasetColumns.infer(),
            0.1,
            42L);
    TaskData all = TaskData.of(splits.train());
    TaskData dev = TaskData.of(splits.validation());
    Path model = DefaultModels.resolve("bge-small-en-v1.5");
    LlmPrunerOptions options =
        LlmPrunerOptions.defaults()
            .withCalibration(128, 64)
            .withBatchSize(16)
            .withLora(LoraOptions.defaults().withLearningRate(1e-3f));
    // chips on the first 1,000 sentences, LoRA on the next 1,000 (the chip's own training
    // sentences carry almost no task-loss gradient: its loss there is near zero)
    PruningTask task = PruningTask.Classification.split(all, TRAIN, dev, "sst2");
    long t0 = System.nanoTime();
    try (LlmPrunerSession s =
        LlmPrunerSession.open(
            model, task, options, new RuntimeOptions("cpu", 1, 1), ProgressListener.NONE)) {
      double dense = s.denseScore();
      report("bge-small SST-2: dense frozen chip %.4f%n", dense);
      s.importance(ProgressListener.NONE);
      report(
          "importance: %d layers, %d examples, %.1f s%n",
          s.prunedLayers().size(), options.calibrationSamples(), s.importanceSeconds());
      double[] ratios = {0.2, 0.4, 0.0};
      double[][] acc = new double[3][];
      for (int i = 0; i < ratios.length; i++) {
        try (PrunedVariant v = s.prune(ratios[i], true, ProgressListener.NONE)) {
          var c = v.parameters();
          report(
              "ratio %.1f: pruned layers %d -> %d params (%.1f%% removed), backbone %d -> %d"
                  + " (%.1f%%), no recovery %.4f, LoRA %.4f (%d adapter params, %.1f s, loss %.3f"
                  + " -> %.3f), throughput %.0f/s (x%.2f of dense, side by side), structure %s%n",
              ratios[i],
              c.prunedLayersBefore(),
              c.prunedLayersAfter(),
              100 * c.prunedLayersRemoved(),
              c.before(),
              c.after(),
              100 * c.totalRemoved(),
              v.scoreWithoutRecovery(),
              v.scoreWithRecovery(),
              v.loraParameters(),
              v.lossCurve().orElseThrow().seconds(),
              v.lossCurve().orElseThrow().headMean(10),
              v.lossCurve().orElseThrow().tailMean(10),
              v.throughputPerSecond(),
              v.throughputGain(),
              v.config().layers());
          acc[i] =
              new double[] {
                v.scoreWithoutRecovery(), v.scoreWithRecovery(), c.prunedLayersRemoved()
              };
        }
      }
      report("total %.1f s%n", (System.nanoTime() - t0) / 1e9);
      assertTrue(Math.abs(acc[0][2] - 0.2) < 0.01, "20% ratio removed " + acc[0][2]);
      assertTrue(Math.abs(acc[1][2] - 0.4) < 0.01, "40% ratio removed " + acc[1][2]);
      assertTrue(acc[0][0] >= 0.98 * dense, "20% without recovery " + acc[0][0] + " vs " + dense);
      assertTrue(acc[0][1] >= dense, "20% with LoRA " + acc[0][1] + " vs dense " + dense);
      assertTrue(acc[1][1] > acc[1][0] - 0.005, "LoRA did not help at 40%");
    }
  }
}
