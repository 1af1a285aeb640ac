package io.prunegate.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TorchRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path dir;

  @Test
  void writesAndReadsF32AndI64() {
    float[] values = {1.5f, -2f, 3.25f, 0f, 1e-8f, -7f};
    new SafetensorsWriter()
        .metadata("format", "pt")
        .putFloats("a.weight", new long[] {2, 3}, values)
        .write(dir.resolve("m.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("m.safetensors"))) {
      assertEquals("pt", f.metadata().get("format"));
      assertArrayEquals(new long[] {2, 3}, f.info("a.weight").shape());
      assertArrayEquals(values, f.floats("a.weight"));
    }
    try (NDManager m = TorchRuntime.start(new RuntimeOptions("cpu", 1, 1)).newBaseManager()) {
      NDArray ids = m.create(new long[] {5, 6, 7});
      new SafetensorsWriter().put("ids", ids).write(dir.resolve("i.safetensors"));
      try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("i.safetensors"))) {
        NDArray back = f.load(m, "ids");
        assertEquals(DataType.INT64, back.getDataType());
        assertArrayEquals(new long[] {5, 6, 7}, back.toLongArray());
      }
    }
  }

  @Test
  void widensF16AndBf16ToF32WithoutTouchingDjlBf16() {
    float[] values = {1f, -0.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 0f, -3.140625f};
    ByteBuffer f16 = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer bf16 = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      f16.putShort(HalfFloats.f32ToF16(v));
      bf16.putShort(HalfFloats.f32ToBf16(v));
    }
    new SafetensorsWriter()
        .putRaw("h", DType.F16, new long[] {values.length}, f16.flip())
        .putRaw("b", DType.BF16, new long[] {values.length}, bf16.flip())
        .write(dir.resolve("half.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("half.safetensors"));
        NDManager m = TorchRuntime.start(new RuntimeOptions("cpu", 1, 1)).newBaseManager()) {
      assertArrayEquals(values, f.floats("h")); // all exactly representable in binary16
      float[] b = f.floats("b");
      for (int i = 0; i < values.length; i++) {
        assertEquals(values[i], b[i], Math.abs(values[i]) / 128 + 1e-38f, "bf16 element " + i);
      }
      NDArray loaded = f.load(m, "b");
      assertEquals(DataType.FLOAT32, loaded.getDataType());
      assertArrayEquals(b, loaded.toFloatArray());
    }
  }

  @Test
  void readsShardedCheckpoints() throws Exception {
    new SafetensorsWriter()
        .putFloats("x", new long[] {2}, new float[] {1, 2})
        .write(dir.resolve("model-00001-of-00002.safetensors"));
    new SafetensorsWriter()
        .putFloats("y", new long[] {1}, new float[] {3})
        .write(dir.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(
        dir.resolve(TensorSource.INDEX_FILE),
        "{\"metadata\":{},\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\","
            + "\"y\":\"model-00002-of-00002.safetensors\"}}");
    try (TensorSource src = TensorSource.open(dir)) {
      assertArrayEquals(new float[] {1, 2}, src.floats("x"));
      assertArrayEquals(new float[] {3}, src.floats("y"));
      var e = assertThrows(SafetensorsException.class, () -> src.floats("z"));
      assertTrue(
          e.getMessage().contains(TensorSource.INDEX_FILE) && e.getMessage().contains("'z'"));
    }
  }

  @Test
  void errorsNameTheFileAndTensor() throws Exception {
    Path missing = dir.resolve("nope.safetensors");
    assertTrue(
        assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(missing))
            .getMessage()
            .contains(missing.toString()));

    Path good = dir.resolve("g.safetensors");
    new SafetensorsWriter().putFloats("w", new long[] {4}, new float[] {1, 2, 3, 4}).write(good);
    byte[] bytes = Files.readAllBytes(good);

    Path truncated = dir.resolve("t.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    var e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(truncated));
    assertTrue(
        e.getMessage().contains("t.safetensors") && e.getMessage().contains("'w'"), e.getMessage());

    Path shortFile = dir.resolve("s.safetensors");
    Files.write(shortFile, new byte[] {1, 2, 3});
    assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(shortFile));

    try (SafetensorsFile f = SafetensorsFile.open(good)) {
      var notFound = assertThrows(SafetensorsException.class, () -> f.info("v"));
      assertTrue(
          notFound.getMessage().contains("g.safetensors") && notFound.getMessage().contains("'v'"));
    }
    try (TensorSource src = TensorSource.open(writeModelDir(good));
        NDManager m = TorchRuntime.start(new RuntimeOptions("cpu", 1, 1)).newBaseManager()) {
      var shape = assertThrows(SafetensorsException.class, () -> src.load(m, "w", 2, 2));
      assertTrue(
          shape.getMessage().contains("'w'")
              && shape.getMessage().contains("[4]")
              && shape.getMessage().contains("[2, 2]"),
          shape.getMessage());
    }
  }

  @Test
  void aWeightMustHaveAFloatType() throws Exception {
    ByteBuffer ints = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 4; i++) {
      ints.putInt(i);
    }
    Path file = dir.resolve("int.safetensors");
    new SafetensorsWriter()
        .putRaw("norm.weight", DType.I32, new long[] {4}, ints.flip())
        .write(file);
    try (TensorSource src = TensorSource.open(writeModelDir(file));
        NDManager m = TorchRuntime.start(new RuntimeOptions("cpu", 1, 1)).newBaseManager()) {
      var e = assertThrows(SafetensorsException.class, () -> src.load(m, "norm.weight", 4));
      assertTrue(
          e.getMessage().contains("model.safetensors")
              && e.getMessage().contains("'norm.weight' has dtype I32, expected a float weight"),
          e.getMessage());
    }
  }

  private Path writeModelDir(Path file) throws Exception {
    Path d = dir.resolve("modeldir");
    Files.createDirectories(d);
    Files.copy(file, d.resolve(TensorSource.SINGLE_FILE));
    return d;
  }

  @Test
  void tensorsMustTileTheDataSection() throws Exception {
    String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";
    String b = "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";
    // the reference layout loads, with the header padded by spaces as the HF writer does
    Path ok = raw("ok", "{" + a + "[0,8]}," + b + "[8,16]}}    ", 16, 0);
    try (SafetensorsFile f = SafetensorsFile.open(ok)) {
      assertEquals(2, f.tensors().size());
    }
    assertRejected(raw("gap", "{" + a + "[0,8]}," + b + "[12,20]}}", 20, 0), "leave a gap");
    assertRejected(raw("alias", "{" + a + "[0,8]}," + b + "[0,8]}}", 8, 0), "overlap");
    assertRejected(raw("shift", "{" + a + "[4,12]}," + b + "[8,16]}}", 16, 0), "leave a gap");
    assertRejected(
        raw("tail", "{" + a + "[0,8]}}", 12, 0), "cover 8 bytes of a data section of 12");
    assertRejected(raw("dup", "{" + a + "[0,8]}," + a + "[8,16]}}", 16, 0), "not valid JSON");
    // a header length one byte short (its last pad space cut) shifts every tensor by one byte
    assertRejected(
        raw("short", "{" + a + "[0,8]}," + b + "[8,16]}} ", 16, -1),
        "cover 16 bytes of a data section of 17");
  }

  /**
   * A file with {@code header} and {@code dataBytes} of data; its length field off by {@code
   * lenDelta}.
   */
  private Path raw(String name, String header, int dataBytes, int lenDelta) throws Exception {
    byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(h.length + lenDelta).put(h);
    Path file = dir.resolve(name + ".safetensors");
    Files.write(file, buf.array());
    return file;
  }

  private static void assertRejected(Path file, String why) {
    var e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
    assertTrue(
        e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains(why),
        e.getMessage());
  }

  @Test
  void halfFloatConversionsRoundTrip() {
    for (int bits = 0; bits < 0x10000; bits++) {
      short h = (short) bits;
      float f = HalfFloats.f16ToF32(h);
      if (!Float.isNaN(f)) {
        assertEquals(h, HalfFloats.f32ToF16(f), "binary16 pattern " + Integer.toHexString(bits));
      }
    }
  }
}
