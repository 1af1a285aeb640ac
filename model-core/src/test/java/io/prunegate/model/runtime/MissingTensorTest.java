package io.prunegate.model.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.model.ModelJson;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.safetensors.SafetensorsException;
import io.prunegate.model.safetensors.SafetensorsWriter;
import io.prunegate.model.safetensors.TensorSource;
import io.prunegate.model.safetensors.TinyModels;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config without {@value ModelConfig#LAYERS_KEY} declares a dense model: a missing, renamed or
 * resized tensor is an error naming the tensor and the file, not a pruned structure inferred from
 * what happens to be there. With the extension, the same tensors load as the pruned model it
 * declares.
 */
class MissingTensorTest {

  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", 1, 1);
  private static final String Q1 = "model.layers.1.self_attn.q_proj.weight";

  @TempDir Path dir;

  /** Rewrites the weights file, dropping tensors or renaming them (null drops). */
  private void rewrite(UnaryOperator<String> rename) {
    Path file = dir.resolve(TensorSource.SINGLE_FILE);
    SafetensorsWriter w = new SafetensorsWriter();
    try (TensorSource src = TensorSource.open(dir)) {
      for (String name : src.names()) {
        String to = rename.apply(name);
        if (to != null) {
          w.putFloats(to, src.info(name).shape(), src.floats(name));
        }
      }
    }
    w.write(file);
  }

  private SafetensorsException refused() {
    return assertThrows(SafetensorsException.class, () -> LoadedModel.load(dir, CPU).close());
  }

  @Test
  void aMissingQueryProjectionIsAnErrorNamingTensorAndFile() throws Exception {
    TinyModels.writeTinyLlama(dir, 2);
    rewrite(n -> n.equals(Q1) ? null : n);
    SafetensorsException e = refused();
    assertTrue(e.getMessage().contains("'" + Q1 + "' is missing"), e.getMessage());
    assertTrue(
        e.getMessage().startsWith(dir.resolve("model.safetensors").toString()), e.getMessage());
  }

  @Test
  void aRenamedProjectionIsAnErrorToo() throws Exception {
    TinyModels.writeTinyLlama(dir, 2);
    rewrite(n -> n.equals(Q1) ? n.replace("q_proj", "query") : n);
    assertTrue(refused().getMessage().contains(Q1), "names the tensor the config expects");
  }

  @Test
  void aRemovedSublayerWithoutTheExtensionIsNotTakenForPruning() throws Exception {
    TinyModels.writeTinyLlama(dir, 2);
    rewrite(n -> n.startsWith("model.layers.1.self_attn.") ? null : n);
    assertTrue(refused().getMessage().contains("declares no " + ModelConfig.LAYERS_KEY));
  }

  @Test
  void aResizedFeedForwardNamesBothWidths() throws Exception {
    TinyModels.writeTinyLlama(dir, 2);
    Path file = dir.resolve(TensorSource.SINGLE_FILE);
    SafetensorsWriter w = new SafetensorsWriter();
    try (TensorSource src = TensorSource.open(dir)) {
      for (String name : src.names()) {
        long[] shape = src.info(name).shape();
        float[] v = src.floats(name);
        if (name.startsWith("model.layers.0.mlp.")) {
          // 20 of the 24 FFN rows, as a structured pruner would leave them.
          boolean down = name.contains("down_proj");
          long[] cut = down ? new long[] {16, 20} : new long[] {20, 16};
          float[] kept = new float[20 * 16];
          for (int r = 0; r < (down ? 16 : 20); r++) {
            for (int c = 0; c < (down ? 20 : 16); c++) {
              kept[r * (int) cut[1] + c] = v[r * (int) shape[1] + c];
            }
          }
          w.putFloats(name, cut, kept);
        } else {
          w.putFloats(name, shape, v);
        }
      }
    }
    w.write(file);
    String message = refused().getMessage();
    assertTrue(message.contains("has 20 rows, expected 24"), message);
  }

  @Test
  void theExtensionDeclaresThePrunedStructureAndItLoads() throws Exception {
    TinyModels.writeTinyLlama(dir, 2);
    rewrite(n -> n.startsWith("model.layers.1.self_attn.") ? null : n);
    Path config = dir.resolve(ModelConfig.FILE_NAME);
    ObjectNode c = (ObjectNode) ModelJson.mapper().readTree(config.toFile());
    ArrayNode layers = c.putArray(ModelConfig.LAYERS_KEY);
    layers.addObject().put("attention_heads", 4).put("kv_heads", 2).put("ffn_width", 24);
    layers.addObject().put("attention_heads", 0).put("kv_heads", 0).put("ffn_width", 24);
    ModelJson.mapper().writeValue(config.toFile(), c);
    try (LoadedModel m = LoadedModel.load(dir, CPU)) {
      assertEquals(
          List.of(new LayerStructure(4, 2, 24), new LayerStructure(0, 0, 24)), m.config().layers());
    }
  }
}
