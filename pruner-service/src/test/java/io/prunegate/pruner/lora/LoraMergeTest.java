package io.prunegate.pruner.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.TinyLlamaFixture;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.model.runtime.TransformerWeights;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA trained with autograd on the tiny-llama fixture, then merged: same outputs, no adapters. */
class LoraMergeTest {

  @Test
  void mergedWeightsGiveTheOutputsOfRuntimeLora(@TempDir Path tmp) {
    Path dir = TinyLlamaFixture.dir("dense");
    JsonNode expected = TinyLlamaFixture.expected(dir);
    TokenBatch batch = TinyLlamaFixture.batch(expected);
    LoraOptions options = LoraOptions.defaults().withLearningRate(1e-2f).withEpochs(30);
    try (LoadedModel model = LoadedModel.load(dir, new RuntimeOptions("cpu", 1, 1), true);
        NDManager lora = model.newBatchManager()) {
      LoraAdapters.Attached attached =
          LoraAdapters.attach(model.transformer().weights(), options, lora);
      // 4 layers x 7 projections x (A, B); budget r * (in + out) per projection
      assertEquals(56, attached.trainable().size());
      assertEquals(
          4L * 8 * ((64 + 64) + (64 + 32) + (64 + 32) + (64 + 64) + 3 * (64 + 160)),
          LoraAdapters.parameterCount(attached.trainable()));
      Transformer training = LoadedModel.create(model.config(), attached.weights(), true);
      LossCurve curve =
          new LoraTrainer(options)
              .train(
                  training,
                  attached.trainable(),
                  List.of(),
                  List.of(batch),
                  TrainingLoss.languageModel(),
                  ProgressListener.NONE);
      assertEquals(30, curve.steps().size());
      assertTrue(
          curve.tailMean(3) < curve.headMean(3) - 0.05,
          "LM loss did not fall: " + curve.headMean(3) + " -> " + curve.tailMean(3));
      assertEquals(expected.get("lm_loss").asDouble(), curve.steps().get(0), 0.05);

      Transformer runtime = LoadedModel.create(model.config(), attached.weights(), false);
      TransformerWeights merged = LoraAdapters.merge(attached.weights());
      Transformer fused = LoadedModel.create(model.config(), merged, false);
      float[] a;
      float[] b;
      try (NDManager m = model.newBatchManager()) {
        a =
            Forward.run(runtime, m, batch, ForwardOptions.full(4).withLogits())
                .logits()
                .toFloatArray();
        b =
            Forward.run(fused, m, batch, ForwardOptions.full(4).withLogits())
                .logits()
                .toFloatArray();
      }
      double diff = maxDiff(a, b);
      double moved = maxDiff(a, flatReference(expected, batch));
      System.out.printf("LoRA runtime vs merged: max |diff| %.2e (moved %.3f)%n", diff, moved);
      assertTrue(diff <= 1e-5, "runtime LoRA vs merged max |diff| " + diff);
      assertTrue(moved > 1e-2, "training did not change the outputs");
      assertEquals(model.transformer().weights().parameterCount(), merged.parameterCount());
      model.save(tmp, model.config(), merged);
      try (LoadedModel again = LoadedModel.load(tmp, new RuntimeOptions("cpu", 1, 1));
          NDManager m = again.newBatchManager()) {
        float[] c =
            Forward.run(again.transformer(), m, batch, ForwardOptions.full(4).withLogits())
                .logits()
                .toFloatArray();
        assertTrue(maxDiff(a, c) <= 1e-5, "reloaded merged model max |diff| " + maxDiff(a, c));
      }
    }
  }

  private static float[] flatReference(JsonNode expected, TokenBatch batch) {
    int t = batch.seqLen();
    float[] out = new float[batch.batchSize() * t * 211];
    for (int b = 0; b < batch.batchSize(); b++) {
      for (int p = 0; p < t; p++) {
        for (int k = 0; k < 211; k++) {
          out[(b * t + p) * 211 + k] =
              p < batch.lengths()[b]
                  ? (float) expected.get("logits").get(b).get(p).get(k).asDouble()
                  : 0f;
        }
      }
    }
    return out;
  }

  private static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
