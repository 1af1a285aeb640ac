package io.prunegate.model.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.config.ModelFamily;
import io.prunegate.model.safetensors.TensorSource;
import io.prunegate.model.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A Hugging Face model directory loaded for execution: its config (with the per-layer structure
 * found on disk), weights on a device in their own {@link NDManager}, the {@link Transformer} that
 * runs them, and the tokenizer when the directory has one. Closing it frees the native memory.
 */
public final class LoadedModel implements AutoCloseable {

  private final Path directory;
  private final ObjectNode originalConfig;
  private final NDManager manager;
  private final Transformer transformer;
  private final TextTokenizer tokenizer;

  private LoadedModel(
      Path directory,
      ObjectNode originalConfig,
      NDManager manager,
      Transformer transformer,
      TextTokenizer tokenizer) {
    this.directory = directory;
    this.originalConfig = originalConfig;
    this.manager = manager;
    this.transformer = transformer;
    this.tokenizer = tokenizer;
  }

  /** Loads {@code dir} for inference. */
  public static LoadedModel load(Path dir, RuntimeOptions options) {
    return load(dir, options, false);
  }

  /**
   * Loads {@code dir}. With {@code training}, projections stay unfused and LoRA dropout is active,
   * so gradients reach every weight.
   */
  public static LoadedModel load(Path dir, RuntimeOptions options, boolean training) {
    ai.djl.engine.Engine engine = TorchRuntime.start(options);
    Device device = ComputeDevice.resolve(options.device());
    ObjectNode json = ModelConfig.readJson(dir.resolve(ModelConfig.FILE_NAME));
    ModelConfig declared = ModelConfig.read(dir);
    NDManager manager = engine.newBaseManager(device);
    manager.setName("model:" + dir.getFileName());
    TextTokenizer tokenizer = null;
    try (TensorSource src = TensorSource.open(dir)) {
      WeightLoader.Loaded loaded = WeightLoader.load(src, declared, manager);
      Path tok = dir.resolve(TextTokenizer.FILE_NAME);
      if (Files.isRegularFile(tok)) {
        tokenizer =
            TextTokenizer.load(
                tok, Math.min(loaded.config().maxPositions(), 512), loaded.config().padTokenId());
      }
      return new LoadedModel(
          dir, json, manager, create(loaded.config(), loaded.weights(), training), tokenizer);
    } catch (RuntimeException e) {
      manager.close();
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw e;
    }
  }

  /** A transformer of the config's family over {@code weights}. */
  public static Transformer create(
      ModelConfig config, TransformerWeights weights, boolean training) {
    return config.family() == ModelFamily.BERT
        ? new BertTransformer(config, weights, training)
        : new LlamaTransformer(config, weights, training);
  }

  public Path directory() {
    return directory;
  }

  public ModelConfig config() {
    return transformer.config();
  }

  /** The config.json as read, for writing variants that keep its other keys. */
  public ObjectNode originalConfig() {
    return originalConfig.deepCopy();
  }

  public Transformer transformer() {
    return transformer;
  }

  /** The manager that owns the weights; batches use its sub-managers. */
  public NDManager manager() {
    return manager;
  }

  public Device device() {
    return manager.getDevice();
  }

  public Optional<TextTokenizer> tokenizer() {
    return Optional.ofNullable(tokenizer);
  }

  /** Tokenizes texts into a padded batch; fails when the directory has no tokenizer. */
  public TokenBatch tokenize(List<String> texts) {
    if (tokenizer == null) {
      throw new IllegalStateException(directory + ": no " + TextTokenizer.FILE_NAME);
    }
    return tokenizer.encode(texts);
  }

  /** A new per-batch manager: close it (try-with-resources) when the batch is done. */
  public NDManager newBatchManager() {
    return manager.newSubManager();
  }

  /**
   * Writes {@code weights} under {@code config} as a model directory with this model's tokenizer.
   */
  public void save(Path dir, ModelConfig config, TransformerWeights weights) {
    WeightWriter.write(dir, config, weights, originalConfig);
    TextTokenizer.copyFiles(directory, dir);
  }

  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
    manager.close();
  }
}
