package io.prunegate.model.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.ModelJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a Hugging Face model directory: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json}. Every lookup failure names the file and tensor.
 */
public final class TensorSource implements AutoCloseable {

  public static final String SINGLE_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private final Path dir;
  private final Map<String, SafetensorsFile> byTensor;
  private final List<SafetensorsFile> files;

  private TensorSource(
      Path dir, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
    this.dir = dir;
    this.byTensor = byTensor;
    this.files = files;
  }

  /** Opens the weights of the model directory {@code dir}. */
  public static TensorSource open(Path dir) {
    Path single = dir.resolve(SINGLE_FILE);
    Path index = dir.resolve(INDEX_FILE);
    if (Files.exists(single)) {
      SafetensorsFile f = SafetensorsFile.open(single);
      Map<String, SafetensorsFile> map = new LinkedHashMap<>();
      f.tensors().keySet().forEach(n -> map.put(n, f));
      return new TensorSource(dir, Collections.unmodifiableMap(map), List.of(f));
    }
    if (Files.exists(index)) {
      return openSharded(dir, index);
    }
    throw new SafetensorsException(
        single, "model weights not found (neither " + SINGLE_FILE + " nor " + INDEX_FILE + ")");
  }

  private static TensorSource openSharded(Path dir, Path index) {
    JsonNode root;
    try {
      root = ModelJson.mapper().readTree(index.toFile());
    } catch (IOException e) {
      throw new SafetensorsException(index, "unreadable index: " + e.getMessage(), e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new SafetensorsException(index, "index has no weight_map object");
    }
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
    List<SafetensorsFile> opened = new ArrayList<>();
    try {
      var it = weightMap.fields();
      while (it.hasNext()) {
        var e = it.next();
        String shardName = e.getValue().asText();
        if (shardName.contains("/") || shardName.contains("..")) {
          throw new SafetensorsException(index, "invalid shard name '" + shardName + "'");
        }
        SafetensorsFile shard =
            shards.computeIfAbsent(
                shardName,
                s -> {
                  SafetensorsFile f = SafetensorsFile.open(dir.resolve(s));
                  opened.add(f);
                  return f;
                });
        if (!shard.contains(e.getKey())) {
          throw new SafetensorsException(
              shard.path(), "tensor '" + e.getKey() + "' listed in " + INDEX_FILE + " is missing");
        }
        byTensor.put(e.getKey(), shard);
      }
    } catch (RuntimeException e) {
      opened.forEach(SafetensorsFile::close);
      throw e;
    }
    return new TensorSource(dir, Collections.unmodifiableMap(byTensor), List.copyOf(opened));
  }

  public Path directory() {
    return dir;
  }

  public Set<String> names() {
    return byTensor.keySet();
  }

  public boolean contains(String name) {
    return byTensor.containsKey(name);
  }

  /** Header entry of a tensor; fails naming the directory when absent. */
  public TensorInfo info(String name) {
    return file(name).info(name);
  }

  /** Loads a tensor (floats widened to F32). */
  public NDArray load(NDManager manager, String name) {
    return file(name).load(manager, name);
  }

  /**
   * Loads a weight: a float tensor (F32/F16/BF16/F64, widened to F32) of {@code expectedShape}; a
   * mismatch names the file, the tensor and both shapes or the dtype, so a corrupt file fails here
   * and not in the first forward pass.
   */
  public NDArray load(NDManager manager, String name, long... expectedShape) {
    TensorInfo t = info(name);
    if (!t.dtype().isFloat()) {
      throw new SafetensorsException(
          file(name).path(),
          "tensor '" + name + "' has dtype " + t.dtype() + ", expected a float weight");
    }
    if (!java.util.Arrays.equals(t.shape(), expectedShape)) {
      throw new SafetensorsException(
          file(name).path(),
          "tensor '"
              + name
              + "' has shape "
              + java.util.Arrays.toString(t.shape())
              + ", expected "
              + java.util.Arrays.toString(expectedShape));
    }
    return load(manager, name);
  }

  /** The tensor as F32 values. */
  public float[] floats(String name) {
    return file(name).floats(name);
  }

  /**
   * The file that holds tensor {@code name}, or where it should have been: the single weights file,
   * or the shard index of a sharded model.
   */
  public Path location(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f != null) {
      return f.path();
    }
    return files.size() == 1 ? files.get(0).path() : dir.resolve(INDEX_FILE);
  }

  private SafetensorsFile file(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw new SafetensorsException(location(name), "tensor '" + name + "' not found");
    }
    return f;
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
