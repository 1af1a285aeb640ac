package io.prunegate.model.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.chip.MlpChip;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.testing.GoldenFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the bytes of a bundle's {@code manifest.json} as {@link VariantBundle} writes it, and the
 * header (with its JSON metadata) of {@code chips.safetensors}, against {@code
 * src/test/resources/golden/bundle}. Run with {@code -Dgolden.update=true} to rewrite the files
 * after an intentional format change.
 */
class BundleWireFormatGoldenTest {

  private static final GoldenFiles GOLDEN = GoldenFiles.in("bundle");

  @TempDir Path dir;

  static BundleManifest full() {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("selection", "tolerance=1.0");
    parameters.put("head", "linear");
    parameters.put("early_exit", true);
    Map<String, Object> data = new LinkedHashMap<>();
    Map<String, Object> train = new LinkedHashMap<>();
    train.put("sha256", "00ff");
    train.put("examples", 1000);
    data.put("train", train);
    data.put("validation_fraction", 0.25);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("removal_order", List.of(11, 10, 9));
    details.put("loss", 0.0625);
    Map<Integer, Double> perDepth = new LinkedHashMap<>();
    perDepth.put(4, 0.75);
    perDepth.put(8, 0.875);
    return new BundleManifest(
        BundleManifest.SCHEMA_VERSION,
        "chip-d8",
        "chip",
        parameters,
        new BundleManifest.Lineage("sst2-bge", 1, "bge-small-en-v1.5"),
        new BundleManifest.Structure(
            8,
            12,
            8,
            8,
            96,
            12288,
            22_000_000L,
            33_000_000L,
            770,
            1.5e9,
            2.25e9,
            List.of(new LayerStructure(12, 12, 1536), new LayerStructure(0, 0, 1536)),
            List.of(4, 8)),
        List.of("negative", "positive"),
        new BundleManifest.Evaluation(
            "sst2.tsv#validation", 872, 0.875, 0.890625, -1.5625, perDepth, 7.5),
        new BundleManifest.Latency("cpu (2 cores)", 2, 4.5, 6.25, 96.0, 110.5, 333.25),
        data,
        Map.of(),
        details);
  }

  static BundleManifest minimal() {
    return new BundleManifest(
        BundleManifest.SCHEMA_VERSION,
        "base",
        "base",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void fullManifest() throws IOException {
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.writeString(dir.resolve("chips.safetensors"), "chips");
    roundTrip("manifest-full.json", full());
  }

  @Test
  void minimalManifest() {
    roundTrip("manifest-minimal.json", minimal());
  }

  /** The safetensors header of {@code chips.safetensors}: tensors, and metadata as JSON strings. */
  @Test
  void chipsFileHeader() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      ChipSet set =
          new ChipSet(
              List.of(
                  new LinearChip(4, m.zeros(new Shape(2, 3)), m.zeros(new Shape(2))),
                  new MlpChip(
                      8,
                      m.zeros(new Shape(5, 3)),
                      m.zeros(new Shape(5)),
                      m.zeros(new Shape(2, 5)),
                      m.zeros(new Shape(2)))),
              Pooling.MEAN,
              List.of("negative", "positive \"quoted\""),
              Map.of(4, 0.875));
      set.write(dir);
      byte[] file = Files.readAllBytes(dir.resolve(ChipSet.FILE_NAME));
      int n = (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      GOLDEN.assertMatches("chips-header.json", Arrays.copyOfRange(file, 8, 8 + n));

      // the golden header with today's tensor bytes reads back as the same chip set
      byte[] header = GOLDEN.read("chips-header.json");
      Path other = Files.createDirectories(dir.resolve("golden"));
      ByteBuffer copy = ByteBuffer.allocate(8 + header.length + file.length - 8 - n);
      copy.order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header);
      copy.put(file, 8 + n, file.length - 8 - n);
      Files.write(other.resolve(ChipSet.FILE_NAME), copy.array());
      ChipSet back = ChipSet.read(other, m);
      assertEquals(set.labels(), back.labels());
      assertEquals(set.pooling(), back.pooling());
      assertEquals(set.thresholds(), back.thresholds());
      assertEquals(
          set.chips().stream().map(c -> c.depth() + ":" + c.kind()).toList(),
          back.chips().stream().map(c -> c.depth() + ":" + c.kind()).toList());
    }
  }

  private void roundTrip(String name, BundleManifest manifest) {
    BundleManifest written = VariantBundle.writeManifest(dir, manifest);
    try {
      GOLDEN.assertMatches(name, Files.readAllBytes(dir.resolve(VariantBundle.MANIFEST)));
      Files.write(dir.resolve(VariantBundle.MANIFEST), GOLDEN.read(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(written, VariantBundle.readManifest(dir), name);
  }
}
