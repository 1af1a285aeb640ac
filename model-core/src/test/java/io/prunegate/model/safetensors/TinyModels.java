package io.prunegate.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes tiny random models in Hugging Face layout for tests that must not need ../shared. */
public final class TinyModels {

  private TinyModels() {}

  /** A LLaMA model: vocab 50, hidden 16, 4 heads of 4 (2 kv heads), FFN 24. */
  public static void writeTinyLlama(Path dir, int layers) throws Exception {
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    ObjectNode c = json.createObjectNode();
    c.put("model_type", "llama");
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("vocab_size", 50);
    c.put("hidden_size", 16);
    c.put("intermediate_size", 24);
    c.put("num_hidden_layers", layers);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 2);
    c.put("head_dim", 4);
    c.put("rms_norm_eps", 1e-5);
    c.put("max_position_embeddings", 64);
    c.put("tie_word_embeddings", false);
    c.put("hidden_act", "silu");
    json.writeValue(dir.resolve("config.json").toFile(), c);
    Random rnd = new Random(7);
    SafetensorsWriter w = new SafetensorsWriter();
    w.putFloats("model.embed_tokens.weight", new long[] {50, 16}, random(rnd, 50 * 16));
    w.putFloats("lm_head.weight", new long[] {50, 16}, random(rnd, 50 * 16));
    w.putFloats("model.norm.weight", new long[] {16}, ones(16));
    for (int i = 0; i < layers; i++) {
      String p = "model.layers." + i + ".";
      w.putFloats(p + "input_layernorm.weight", new long[] {16}, ones(16));
      w.putFloats(p + "post_attention_layernorm.weight", new long[] {16}, ones(16));
      w.putFloats(p + "self_attn.q_proj.weight", new long[] {16, 16}, random(rnd, 256));
      w.putFloats(p + "self_attn.k_proj.weight", new long[] {8, 16}, random(rnd, 128));
      w.putFloats(p + "self_attn.v_proj.weight", new long[] {8, 16}, random(rnd, 128));
      w.putFloats(p + "self_attn.o_proj.weight", new long[] {16, 16}, random(rnd, 256));
      w.putFloats(p + "mlp.gate_proj.weight", new long[] {24, 16}, random(rnd, 24 * 16));
      w.putFloats(p + "mlp.up_proj.weight", new long[] {24, 16}, random(rnd, 24 * 16));
      w.putFloats(p + "mlp.down_proj.weight", new long[] {16, 24}, random(rnd, 24 * 16));
    }
    w.write(dir.resolve(TensorSource.SINGLE_FILE));
  }

  private static float[] random(Random rnd, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (rnd.nextGaussian() * 0.1);
    }
    return f;
  }

  private static float[] ones(int n) {
    float[] f = new float[n];
    java.util.Arrays.fill(f, 1f);
    return f;
  }
}
