package io.prunegate.model.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TorchRuntime;
import io.prunegate.model.safetensors.DType;
import io.prunegate.model.safetensors.SafetensorsException;
import io.prunegate.model.safetensors.SafetensorsWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad chips metadata and weights fail on read with the file, the field and what is wrong. */
class ChipSetReadTest {

  @TempDir Path dir;

  private static final String LABELS = "[\"neg\",\"pos\"]";
  private static final String LINEAR = "[{\"depth\":1,\"kind\":\"linear\"}]";

  @Test
  void aWellFormedLinearChipReads() throws Exception {
    Path d = chips("ok", LABELS, LINEAR, DType.F32);
    try (NDManager m = manager()) {
      ChipSet set = ChipSet.read(d, m);
      assertEquals(1, set.maxDepth());
    }
  }

  @Test
  void badMetadataNamesTheFileAndTheField() throws Exception {
    assertRejected(chips("obj", LABELS, "{\"depth\":1}", DType.F32), "metadata 'chips'");
    assertRejected(
        chips("type", LABELS, "[{\"depth\":\"two\",\"kind\":\"linear\"}]", DType.F32),
        "metadata 'chips'[0].depth");
    assertRejected(
        chips("nodepth", LABELS, "[{\"kind\":\"linear\"}]", DType.F32),
        "metadata 'chips'[0]: depth must be a positive integer");
    assertRejected(
        chips("kind", LABELS, "[{\"depth\":1,\"kind\":\"conv\"}]", DType.F32),
        "metadata 'chips'[0]: kind must be linear or mlp, was conv");
    assertRejected(chips("labels", "\"neg\"", LINEAR, DType.F32), "metadata 'labels'");
    assertRejected(
        chips("json", LABELS, "[{", DType.F32), "metadata 'chips'[0]: Unexpected end-of-input");
  }

  @Test
  void anIntegerWeightIsRefusedOnRead() throws Exception {
    assertRejected(
        chips("i32", LABELS, LINEAR, DType.I32),
        "tensor 'chip.1.linear.weight' has dtype I32, expected a float weight");
  }

  /** A chips file of one linear chip (2 labels x 3 features) with the given metadata. */
  private Path chips(String name, String labels, String chipsMeta, DType weightType)
      throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    ByteBuffer w = ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      if (weightType == DType.I32) {
        w.putInt(i);
      } else {
        w.putFloat(i / 10f);
      }
    }
    new SafetensorsWriter()
        .metadata("pooling", "cls")
        .metadata("labels", labels)
        .metadata("chips", chipsMeta)
        .putRaw("chip.1.linear.weight", weightType, new long[] {2, 3}, w.flip())
        .putFloats("chip.1.linear.bias", new long[] {2}, new float[] {0f, 0f})
        .write(d.resolve(ChipSet.FILE_NAME));
    return d;
  }

  private void assertRejected(Path d, String why) {
    try (NDManager m = manager()) {
      var e = assertThrows(SafetensorsException.class, () -> ChipSet.read(d, m));
      assertTrue(
          e.getMessage().contains(d.resolve(ChipSet.FILE_NAME).toString())
              && e.getMessage().contains(why),
          e.getMessage());
    }
  }

  private static NDManager manager() {
    return TorchRuntime.start(new RuntimeOptions("cpu", 1, 1)).newBaseManager();
  }
}
