package io.prunegate.model.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.ModelJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one safetensors file: an 8-byte little-endian header length, a JSON header, then the raw
 * tensor data. The header is validated completely before any data is touched (types, shapes,
 * offsets inside the file and consistent with the shape), so a truncated or corrupt file fails with
 * a message naming the file and tensor instead of crashing the JVM in native code. Float tensors
 * (F16, BF16, F64) are widened to F32 while reading: DJL 0.35 aborts the JVM on BF16 NDArrays.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** Headers larger than this are rejected as corrupt (the format's own limit is 100 MB). */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and validates {@code path}. */
  public static SafetensorsFile open(Path path) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new SafetensorsException(path, "file not found");
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot open: " + e.getMessage(), e);
    }
    try {
      return parse(path, ch);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static SafetensorsFile parse(Path path, FileChannel ch) {
    try {
      long size = ch.size();
      if (size < 8) {
        throw new SafetensorsException(path, "truncated: " + size + " bytes, no header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES) {
        throw new SafetensorsException(path, "corrupt header length " + headerLen);
      }
      if (8 + headerLen > size) {
        throw new SafetensorsException(
            path,
            "truncated: header claims " + headerLen + " bytes but the file has " + (size - 8));
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      JsonNode root;
      try {
        // a repeated tensor name would let one entry shadow another: refuse it
        root =
            ModelJson.mapper()
                .reader()
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .readTree(header.array());
      } catch (JsonProcessingException e) {
        throw new SafetensorsException(
            path, "corrupt header: not valid JSON (" + e.getOriginalMessage() + ")");
      }
      if (root == null || !root.isObject()) {
        throw new SafetensorsException(path, "corrupt header: not a JSON object");
      }
      long dataSize = size - 8 - headerLen;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = root.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          if (!e.getValue().isObject()) {
            throw new SafetensorsException(path, "corrupt header: __metadata__ is not an object");
          }
          e.getValue()
              .fields()
              .forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.put(e.getKey(), tensorInfo(path, e.getKey(), e.getValue(), dataSize));
      }
      requireTiling(path, tensors.values(), dataSize);
      return new SafetensorsFile(
          path,
          ch,
          8 + headerLen,
          Collections.unmodifiableMap(tensors),
          Collections.unmodifiableMap(metadata));
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * The tensors must tile the data section as the reference implementation requires: sorted by
   * offset, the first starts at 0, each starts where the previous ended (no gap, no overlap, no
   * alias) and the last ends at the end of the file. A header length off by a byte, or swapped,
   * shifted or shared offsets, would otherwise load wrong weights silently.
   */
  private static void requireTiling(Path path, Collection<TensorInfo> tensors, long dataSize) {
    List<TensorInfo> sorted = new ArrayList<>(tensors);
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long at = 0;
    for (TensorInfo t : sorted) {
      if (t.begin() != at) {
        throw new SafetensorsException(
            path,
            "tensor '"
                + t.name()
                + "': data_offsets ["
                + t.begin()
                + ", "
                + t.end()
                + "] "
                + (t.begin() < at ? "overlap the previous tensor" : "leave a gap")
                + " (expected it to start at "
                + at
                + ")");
      }
      at = t.end();
    }
    if (at != dataSize) {
      throw new SafetensorsException(
          path,
          "the tensors cover "
              + at
              + " bytes of a data section of "
              + dataSize
              + " (wrong header length, or bytes after the last tensor)");
    }
  }

  private static TensorInfo tensorInfo(Path path, String name, JsonNode n, long dataSize) {
    if (!n.isObject()) {
      throw new SafetensorsException(path, "tensor '" + name + "': header entry is not an object");
    }
    JsonNode dt = n.get("dtype");
    DType dtype = dt != null && dt.isTextual() ? DType.fromHeader(dt.textValue()) : null;
    if (dtype == null) {
      throw new SafetensorsException(
          path, "tensor '" + name + "': unsupported or missing dtype " + (dt == null ? "" : dt));
    }
    JsonNode sh = n.get("shape");
    if (sh == null || !sh.isArray()) {
      throw new SafetensorsException(path, "tensor '" + name + "': missing shape");
    }
    long[] shape = new long[sh.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.isIntegralNumber() || d.longValue() < 0) {
        throw new SafetensorsException(path, "tensor '" + name + "': invalid dimension " + d);
      }
      shape[i] = d.longValue();
      try {
        elements = Math.multiplyExact(elements, shape[i]);
      } catch (ArithmeticException ex) {
        throw new SafetensorsException(path, "tensor '" + name + "': shape overflows");
      }
    }
    JsonNode off = n.get("data_offsets");
    if (off == null
        || !off.isArray()
        || off.size() != 2
        || !off.get(0).isIntegralNumber()
        || !off.get(1).isIntegralNumber()) {
      throw new SafetensorsException(path, "tensor '" + name + "': missing data_offsets");
    }
    long begin = off.get(0).longValue();
    long end = off.get(1).longValue();
    if (begin < 0 || end < begin || end > dataSize) {
      throw new SafetensorsException(
          path,
          "tensor '"
              + name
              + "': data_offsets ["
              + begin
              + ", "
              + end
              + "] outside the data section of "
              + dataSize
              + " bytes (truncated file?)");
    }
    long expected;
    try {
      expected = Math.multiplyExact(elements, dtype.bytes());
    } catch (ArithmeticException ex) {
      throw new SafetensorsException(path, "tensor '" + name + "': shape overflows");
    }
    if (end - begin != expected) {
      throw new SafetensorsException(
          path,
          "tensor '"
              + name
              + "': "
              + (end - begin)
              + " bytes on disk but "
              + dtype
              + shapeText(shape)
              + " needs "
              + expected);
    }
    if (end - begin > Integer.MAX_VALUE) {
      throw new SafetensorsException(path, "tensor '" + name + "': larger than 2 GB");
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  public Path path() {
    return path;
  }

  /** Tensors by name, in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** The header entry of {@code name}; fails naming the file when absent. */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new SafetensorsException(path, "tensor '" + name + "' not found");
    }
    return t;
  }

  /** The tensor's raw bytes, little-endian, memory-mapped. */
  public ByteBuffer rawBytes(String name) {
    TensorInfo t = info(name);
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.byteLength())
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new SafetensorsException(
          path, "tensor '" + name + "': cannot map: " + e.getMessage(), e);
    }
  }

  /** The tensor as F32 values (widened from F16/BF16/F64) in a direct, native-order buffer. */
  public ByteBuffer floatBytes(String name) {
    TensorInfo t = info(name);
    if (!t.dtype().isFloat()) {
      throw new SafetensorsException(
          path, "tensor '" + name + "' is " + t.dtype() + ", expected a float type");
    }
    ByteBuffer raw = rawBytes(name);
    int n = Math.toIntExact(t.elementCount());
    ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
    switch (t.dtype()) {
      case F32 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat(raw.getFloat());
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat(HalfFloats.f16ToF32(raw.getShort()));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat(HalfFloats.bf16ToF32(raw.getShort()));
        }
      }
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out.putFloat((float) raw.getDouble());
        }
      }
      default -> throw new IllegalStateException("unreachable");
    }
    return out.flip();
  }

  /** The tensor as a Java float array (F32, widened when needed). */
  public float[] floats(String name) {
    ByteBuffer b = floatBytes(name);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  /**
   * Loads the tensor into {@code manager}: float types as F32, integer types as I64 (I32/I64) or
   * their own type.
   */
  public NDArray load(NDManager manager, String name) {
    TensorInfo t = info(name);
    Shape shape = new Shape(t.shape());
    if (t.dtype().isFloat()) {
      return manager.create(floatBytes(name), shape, DataType.FLOAT32);
    }
    ByteBuffer raw = rawBytes(name);
    ByteBuffer direct = ByteBuffer.allocateDirect(raw.remaining()).order(ByteOrder.nativeOrder());
    switch (t.dtype()) {
      case I64 -> {
        while (raw.hasRemaining()) {
          direct.putLong(raw.getLong());
        }
        return manager.create(direct.flip(), shape, DataType.INT64);
      }
      case I32 -> {
        while (raw.hasRemaining()) {
          direct.putInt(raw.getInt());
        }
        return manager.create(direct.flip(), shape, DataType.INT32);
      }
      case I8 -> {
        return manager.create(direct.put(raw).flip(), shape, DataType.INT8);
      }
      case U8, BOOL -> {
        return manager.create(direct.put(raw).flip(), shape, DataType.UINT8);
      }
      default ->
          throw new SafetensorsException(
              path, "tensor '" + name + "': dtype " + t.dtype() + " is not supported");
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  static String shapeText(long[] shape) {
    return java.util.Arrays.toString(shape);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing to recover
    }
  }
}
