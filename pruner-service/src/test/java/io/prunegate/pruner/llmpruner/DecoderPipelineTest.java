package io.prunegate.pruner.llmpruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prunegate.model.TinyLlamaFixture;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.CalibrationText;
import io.prunegate.pruner.lora.LoraOptions;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder pipeline on tiny-llama: LM-loss importance on 10 x 64 calibration tokens, pruning of
 * the middle layers, LoRA recovery, merge, bundle; the bundle reloads with the planned structure,
 * parameter count and LM loss.
 */
class DecoderPipelineTest {

  @Test
  void prunesRecoversAndWritesABundle(@TempDir Path tmp) throws Exception {
    Path dense = TinyLlamaFixture.dir("dense");
    // Token streams with a learnable pattern (each token predicts the next), so recovery can
    // lower the LM loss measurably.
    Random r = new Random(3);
    CalibrationText calibration = synthetic(r, 10, 64, dense);
    CalibrationText recovery = synthetic(r, 32, 64, dense);
    CalibrationText evaluation = synthetic(r, 6, 64, dense);
    LlmPrunerOptions options =
        LlmPrunerOptions.defaults()
            .withRatio(0.5)
            .withLora(
                LoraOptions.defaults().withLearningRate(5e-3f).withEpochs(3).withBatchSize(8));
    PruningTask task =
        new PruningTask.LanguageModel(calibration, Optional.of(recovery), evaluation);
    Path out = tmp.resolve("bundle");
    try (LlmPrunerSession s =
            LlmPrunerSession.open(
                dense, task, options, new RuntimeOptions("cpu", 1, 1), ProgressListener.NONE);
        PrunedVariant v = s.prune(0.5, true, ProgressListener.NONE)) {
      assertEquals(List.of(1, 2), s.prunedLayers());
      // 2 kv groups: round(0.5 * 2) = 1 removed; the rest of 50% comes from FFN channels
      assertEquals(new LayerStructure(4, 2, 160), v.config().layer(0));
      assertEquals(2, v.config().layer(1).attentionHeads());
      assertEquals(1, v.config().layer(1).kvHeads());
      assertEquals(new LayerStructure(4, 2, 160), v.config().layer(3));
      assertEquals(0.5, v.parameters().prunedLayersRemoved(), 0.01);
      // random weights have no quality to lose; what must hold is that recovery fits the text
      assertTrue(
          v.scoreWithRecovery() < v.scoreWithoutRecovery(),
          "recovery: " + v.scoreWithoutRecovery() + " -> " + v.scoreWithRecovery());
      BundleManifest m = LlmPrunerBundle.write(s, v, out);
      assertEquals("llm-pruner", m.method());
      assertEquals(v.parameters().after(), m.structure().parameters());
      System.out.printf(
          "tiny-llama pipeline: LM loss dense %.4f, pruned %.4f, LoRA %.4f; params %d -> %d%n",
          s.denseScore(),
          v.scoreWithoutRecovery(),
          v.scoreWithRecovery(),
          v.parameters().before(),
          v.parameters().after());
    }
    VariantBundle.verify(out);
    JsonNode report = new ObjectMapper().readTree(out.resolve(LlmPrunerBundle.REPORT).toFile());
    assertEquals(12, report.get("recovery").get("steps").size());
    try (LoadedModel again = LoadedModel.load(out, new RuntimeOptions("cpu", 1, 1))) {
      assertEquals(1, again.config().layer(2).kvHeads());
      assertEquals(
          report.get("parameters_after").asLong(), again.transformer().weights().parameterCount());
    }
  }

  private static CalibrationText synthetic(Random r, int n, int t, Path source) {
    List<long[]> seqs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long[] s = new long[t];
      s[0] = 1 + r.nextInt(200);
      for (int j = 1; j < t; j++) {
        s[j] = r.nextInt(10) == 0 ? 1 + r.nextInt(200) : 1 + (s[j - 1] * 7 + 3) % 200;
      }
      seqs.add(s);
    }
    return new CalibrationText(
        seqs, source.resolve("model.safetensors"), "synthetic", t, CalibrationText.Layout.STREAM);
  }
}
