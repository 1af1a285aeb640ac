package io.prunegate.model.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.TinyLlamaFixture;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The LLaMA forward against the independent reference in ../shared/fixtures/tiny-llama. */
class LlamaFixtureParityTest {

  @ParameterizedTest
  @ValueSource(strings = {"dense", "pruned"})
  void logitsResidualsAndLossMatchTheReference(String variant) {
    Path dir = TinyLlamaFixture.dir(variant);
    JsonNode expected = TinyLlamaFixture.expected(dir);
    TokenBatch batch = TinyLlamaFixture.batch(expected);
    try (LoadedModel model = LoadedModel.load(dir, new RuntimeOptions("cpu", 1, 1));
        NDManager m = model.newBatchManager()) {
      int layers = model.config().numLayers();
      JsonNode structure = expected.get("structure");
      for (int i = 0; i < layers; i++) {
        JsonNode s = structure.get(i);
        assertEquals(
            new LayerStructure(
                s.get("attention_heads").asInt(),
                s.get("kv_heads").asInt(),
                s.get("ffn_width").asInt()),
            model.config().layer(i),
            "structure of layer " + i);
      }
      ForwardOutput out =
          Forward.run(
              model.transformer(), m, batch, ForwardOptions.everyLayer(layers).withLogits());

      double maxLogit = 0;
      float[] logits = out.logits().toFloatArray();
      int t = batch.seqLen();
      int v = model.config().vocabSize();
      for (int b = 0; b < batch.batchSize(); b++) {
        for (int p = 0; p < batch.lengths()[b]; p++) {
          JsonNode ref = expected.get("logits").get(b).get(p);
          for (int k = 0; k < v; k++) {
            maxLogit =
                Math.max(maxLogit, Math.abs(logits[(b * t + p) * v + k] - ref.get(k).asDouble()));
          }
        }
      }
      assertTrue(maxLogit <= 1e-4, variant + " logits max |diff| = " + maxLogit);

      double maxResidual = 0;
      int d = model.config().hiddenSize();
      for (int l = 0; l < layers; l++) {
        float[] h = out.captured().get(l + 1).toFloatArray();
        for (int b = 0; b < batch.batchSize(); b++) {
          int last = batch.lengths()[b] - 1;
          JsonNode ref = expected.get("last_token_residual_per_layer").get(l).get(b);
          for (int k = 0; k < d; k++) {
            maxResidual =
                Math.max(maxResidual, Math.abs(h[(b * t + last) * d + k] - ref.get(k).asDouble()));
          }
        }
      }
      assertTrue(maxResidual <= 1e-4, variant + " residual max |diff| = " + maxResidual);

      NDArray loss = LanguageModelLoss.mean(m, out.logits(), batch);
      double lossDiff = Math.abs(loss.getFloat() - expected.get("lm_loss").asDouble());
      assertTrue(lossDiff <= 1e-5, variant + " lm_loss |diff| = " + lossDiff);
      System.out.printf(
          "tiny-llama %s: logits %.2e, residuals %.2e, lm_loss %.2e%n",
          variant, maxLogit, maxResidual, lossDiff);
    }
  }

  @org.junit.jupiter.api.Test
  void thePrunedFixtureWithItsDenseConfigIsRefused(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Path dir = TinyLlamaFixture.dir("pruned");
    java.nio.file.Files.copy(dir.resolve("model.safetensors"), tmp.resolve("model.safetensors"));
    var config =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            ModelConfig.readJson(dir.resolve("config.json"));
    config.remove(ModelConfig.LAYERS_KEY);
    io.prunegate.model.ModelJson.mapper().writeValue(tmp.resolve("config.json").toFile(), config);
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.prunegate.model.safetensors.SafetensorsException.class,
            () -> LoadedModel.load(tmp, new RuntimeOptions("cpu", 1, 1)).close());
    assertTrue(e.getMessage().contains("model.layers.0.mlp.up_proj.weight"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void prunedStructureIsWrittenToTheConfigAndReloads(@org.junit.jupiter.api.io.TempDir Path tmp) {
    Path dir = TinyLlamaFixture.dir("pruned");
    try (LoadedModel model = LoadedModel.load(dir, new RuntimeOptions("cpu", 1, 1))) {
      model.save(tmp, model.config(), model.transformer().weights());
    }
    var json = io.prunegate.model.config.ModelConfig.readJson(tmp.resolve("config.json"));
    assertTrue(json.has(io.prunegate.model.config.ModelConfig.LAYERS_KEY));
    try (LoadedModel again = LoadedModel.load(tmp, new RuntimeOptions("cpu", 1, 1))) {
      assertEquals(
          List.of(
              new LayerStructure(4, 2, 96),
              new LayerStructure(0, 0, 160),
              new LayerStructure(4, 2, 0),
              new LayerStructure(2, 1, 160)),
          again.config().layers());
    }
  }
}
