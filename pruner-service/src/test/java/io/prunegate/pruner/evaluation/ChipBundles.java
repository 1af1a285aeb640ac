package io.prunegate.pruner.evaluation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Candidate bundles for tests, without training: the real MiniLM backbone with one linear chip at
 * its last layer whose weights are all one value ({@code Float.NaN} makes every probability NaN,
 * like the corrupt variant the gateway's {@code TestBundles#nanBundle} stands for).
 */
public final class ChipBundles {

  private static final int HIDDEN = 384;

  private ChipBundles() {}

  /** Writes the bundle into {@code dir} (created) and returns it. */
  public static Path linear(Path dir, List<String> labels, float weight) throws IOException {
    Path model = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(model)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    int classes = labels.size();
    float[] weights = new float[classes * HIDDEN];
    Arrays.fill(weights, weight);
    try (NDManager m = NDManager.newBaseManager()) {
      new ChipSet(
              List.of(
                  new LinearChip(
                      6,
                      m.create(weights, new Shape(classes, HIDDEN)),
                      m.zeros(new Shape(classes)))),
              Pooling.MEAN,
              labels,
              Map.of())
          .write(dir);
    }
    VariantBundle.writeManifest(
        dir,
        new BundleManifest(
            BundleManifest.SCHEMA_VERSION,
            dir.getFileName().toString(),
            "chip",
            Map.of(),
            new BundleManifest.Lineage("all-MiniLM-L6-v2", null, "all-MiniLM-L6-v2"),
            null,
            labels,
            null,
            null,
            null,
            null,
            null));
    return dir;
  }
}
