package io.prunegate.pruner.chip;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.Chip;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.TransformerWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes chip variant bundles: the backbone cut after the deepest chip (the layers after it are
 * absent from {@code model.safetensors} and {@code config.json}, not skipped at run time), the
 * tokenizer, and {@value ChipSet#FILE_NAME}. The manifest is written separately once the bundle has
 * been evaluated.
 */
public final class ChipBundleWriter {

  private final LoadedModel model;
  private final Pooling pooling;
  private final List<String> labels;

  public ChipBundleWriter(LoadedModel model, Pooling pooling, List<String> labels) {
    this.model = model;
    this.pooling = pooling;
    this.labels = List.copyOf(labels);
  }

  /**
   * Writes a bundle into {@code dir} (replaced if present) with {@code chips} and their early-exit
   * {@code thresholds}; the backbone keeps layers 1..deepest chip depth. Returns the variant
   * config.
   */
  public ModelConfig write(Path dir, List<ChipWeights> chips, Map<Integer, Double> thresholds) {
    int depth = chips.stream().mapToInt(ChipWeights::depth).max().orElseThrow();
    ModelConfig config = model.config().truncatedTo(depth);
    TransformerWeights all = model.transformer().weights();
    TransformerWeights kept = all.withLayers(all.layers().subList(0, depth));
    try {
      deleteRecursively(dir);
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    model.save(dir, config, kept);
    try (NDManager m = model.newBatchManager()) {
      List<Chip> list = new ArrayList<>();
      for (ChipWeights c : chips) {
        list.add(c.toChip(m));
      }
      new ChipSet(list, pooling, labels, thresholds).write(dir);
    }
    return config;
  }

  /** Writes the manifest (with every file's sha256) into {@code dir}. */
  public static BundleManifest finish(Path dir, BundleManifest manifest) {
    return VariantBundle.writeManifest(dir, manifest);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
