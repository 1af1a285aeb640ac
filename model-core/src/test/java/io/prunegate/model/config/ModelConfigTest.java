package io.prunegate.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.safetensors.SafetensorsException;
import io.prunegate.model.safetensors.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {

  @TempDir Path dir;

  @Test
  void missingConfigNamesTheFile() {
    var e = assertThrows(ModelConfigException.class, () -> ModelConfig.read(dir));
    assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()));
    assertTrue(e.getMessage().contains("not found"));
  }

  @Test
  void unknownArchitectureIsAClearError() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"gpt2\",\"hidden_size\":8}");
    var e = assertThrows(ModelConfigException.class, () -> ModelConfig.read(dir));
    assertTrue(
        e.getMessage().contains("gpt2") && e.getMessage().contains("bert, llama, mistral, qwen2"),
        e.getMessage());
    Files.writeString(dir.resolve("config.json"), "{not json");
    assertTrue(
        assertThrows(ModelConfigException.class, () -> ModelConfig.read(dir))
            .getMessage()
            .contains("not valid JSON"));
  }

  @Test
  void missingWeightsNameTheFile() throws Exception {
    TinyModels.writeTinyLlama(dir, 1);
    Files.delete(dir.resolve("model.safetensors"));
    var e =
        assertThrows(
            SafetensorsException.class,
            () -> LoadedModel.load(dir, new RuntimeOptions("cpu", 1, 1)));
    assertTrue(
        e.getMessage().contains("model.safetensors") && e.getMessage().contains("not found"),
        e.getMessage());
  }

  @Test
  void uniformModelsKeepTheStandardConfigAndPrunedOnesGetTheExtensionKey() throws Exception {
    TinyModels.writeTinyLlama(dir, 2);
    ModelConfig c = ModelConfig.read(dir);
    assertTrue(c.isUniform());
    Path out = dir.resolve("out");
    c.write(out, ModelConfig.readJson(dir.resolve("config.json")));
    assertFalse(ModelConfig.readJson(out.resolve("config.json")).has(ModelConfig.LAYERS_KEY));

    ModelConfig pruned =
        c.withLayers(List.of(new LayerStructure(0, 0, 24), new LayerStructure(2, 1, 12)));
    pruned.write(out, ModelConfig.readJson(dir.resolve("config.json")));
    ModelConfig back = ModelConfig.read(out);
    assertEquals(pruned.layers(), back.layers());
    assertEquals(1, back.attentionSublayers());
  }

  @Test
  void declaredStructureMustMatchTheTensors() throws Exception {
    TinyModels.writeTinyLlama(dir, 2);
    ModelConfig c = ModelConfig.read(dir);
    c.withLayers(List.of(new LayerStructure(4, 2, 24), new LayerStructure(4, 2, 12)))
        .write(dir, ModelConfig.readJson(dir.resolve("config.json")));
    var e =
        assertThrows(
            ModelConfigException.class,
            () -> LoadedModel.load(dir, new RuntimeOptions("cpu", 1, 1)));
    assertTrue(e.getMessage().contains("prunegate_layers[1]"), e.getMessage());
  }

  @Test
  void sublayerNames() {
    assertEquals("attention.3", Sublayer.attention(3).toString());
    assertEquals(Sublayer.ffn(0), Sublayer.parse("ffn.0"));
    assertEquals(7, Sublayer.ffn(3).executionIndex());
  }
}
