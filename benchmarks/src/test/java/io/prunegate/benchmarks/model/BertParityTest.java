package io.prunegate.benchmarks.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.Sentences;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The imported default models run by this runtime against ONNX Runtime on the original ONNX file:
 * last hidden state of a padded batch of real sentences, valid positions only.
 */
class BertParityTest {

  @ParameterizedTest
  @EnumSource(DefaultModel.class)
  void lastHiddenStateMatchesOnnxRuntime(DefaultModel which) {
    DefaultModels.Resolved resolved = DefaultModels.ensureImported(which);
    try (LoadedModel model =
            LoadedModel.load(resolved.directory(), new RuntimeOptions("cpu", 2, 1));
        OnnxRuntimePeer ort = new OnnxRuntimePeer(resolved.sourceOnnx(), 2);
        NDManager m = model.newBatchManager()) {
      ModelConfig cfg = model.config();
      assertEquals(which == DefaultModel.BGE_SMALL_EN_V15 ? 12 : 6, cfg.numLayers());
      assertEquals(384, cfg.hiddenSize());
      assertEquals(12, cfg.numHeads());

      TokenBatch batch = model.tokenize(Sentences.MIXED);
      assertTrue(batch.batchSize() >= 16);
      int minLen = java.util.Arrays.stream(batch.lengths()).min().orElseThrow();
      assertTrue(batch.seqLen() > 2 * minLen, "the batch mixes short and long sentences");

      float[] ours =
          Forward.run(model.transformer(), m, batch, ForwardOptions.full(cfg.numLayers()))
              .finalHidden()
              .toFloatArray();
      float[] ref = ort.lastHidden(batch);
      assertEquals(ref.length, ours.length);
      int d = cfg.hiddenSize();
      double max = 0;
      for (int b = 0; b < batch.batchSize(); b++) {
        for (int t = 0; t < batch.lengths()[b]; t++) {
          for (int k = 0; k < d; k++) {
            int i = (b * batch.seqLen() + t) * d + k;
            max = Math.max(max, Math.abs(ours[i] - ref[i]));
          }
        }
      }
      System.out.printf(
          "%s parity vs ONNX Runtime: batch %d x %d, max |diff| on valid positions = %.3e%n",
          which.modelName(), batch.batchSize(), batch.seqLen(), max);
      assertTrue(max <= 1e-4, which.modelName() + " max |diff| = " + max);

      // The training path (padded, unfused, no in-place ops) computes the same function as the
      // packed inference path.
      try (LoadedModel training =
              LoadedModel.load(resolved.directory(), new RuntimeOptions("cpu", 2, 1), true);
          NDManager tm = training.newBatchManager()) {
        float[] viaTraining =
            Forward.run(training.transformer(), tm, batch, ForwardOptions.full(cfg.numLayers()))
                .finalHidden()
                .toFloatArray();
        double maxTrain = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
          for (int t = 0; t < batch.lengths()[b]; t++) {
            for (int k = 0; k < d; k++) {
              int i = (b * batch.seqLen() + t) * d + k;
              maxTrain = Math.max(maxTrain, Math.abs(ours[i] - viaTraining[i]));
            }
          }
        }
        assertTrue(maxTrain <= 1e-5, "training vs inference path max |diff| = " + maxTrain);
      }
    }
  }
}
