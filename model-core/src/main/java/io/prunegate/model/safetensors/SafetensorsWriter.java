package io.prunegate.model.safetensors;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.model.ModelJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a safetensors file (F32 and integer tensors, little-endian, header padded to 8 bytes as
 * Hugging Face does). The file is written to a temporary sibling and moved into place atomically.
 */
public final class SafetensorsWriter {

  private record Entry(DType dtype, long[] shape, ByteBuffer littleEndianBytes) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  /** Adds a float or integer NDArray (F32, I64, I32); its bytes are copied now. */
  public SafetensorsWriter put(String name, NDArray array) {
    DType dtype =
        switch (array.getDataType()) {
          case FLOAT32 -> DType.F32;
          case INT64 -> DType.I64;
          case INT32 -> DType.I32;
          default ->
              throw new IllegalArgumentException(
                  "tensor '" + name + "': cannot write " + array.getDataType());
        };
    ByteBuffer bytes = array.toByteBuffer().order(ByteOrder.nativeOrder());
    return putRaw(name, dtype, array.getShape().getShape(), toLittleEndian(bytes, dtype));
  }

  /** Adds F32 values with the given shape. */
  public SafetensorsWriter putFloats(String name, long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return putRaw(name, DType.F32, shape, b);
  }

  /** Adds raw little-endian bytes of the given type and shape. */
  public SafetensorsWriter putRaw(String name, DType dtype, long[] shape, ByteBuffer bytes) {
    long elements = 1;
    for (long d : shape) {
      elements *= d;
    }
    if (bytes.remaining() != elements * dtype.bytes()) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "': "
              + bytes.remaining()
              + " bytes do not match "
              + dtype
              + java.util.Arrays.toString(shape));
    }
    if (entries.containsKey(name)) {
      throw new IllegalArgumentException("tensor '" + name + "' added twice");
    }
    entries.put(name, new Entry(dtype, shape.clone(), bytes.duplicate()));
    return this;
  }

  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public int size() {
    return entries.size();
  }

  /** Writes the file atomically. */
  public void write(Path path) {
    ObjectMapper json = ModelJson.mapper();
    ObjectNode header = json.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry en = e.getValue();
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", en.dtype().name());
      ArrayNode shape = t.putArray("shape");
      for (long d : en.shape()) {
        shape.add(d);
      }
      ArrayNode off = t.putArray("data_offsets");
      off.add(offset);
      offset += en.littleEndianBytes().remaining();
      off.add(offset);
    }
    byte[] headerBytes;
    try {
      headerBytes = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int padded = (headerBytes.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(headerBytes);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    prefix.flip();
    try {
      Path parent = path.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
      try (OutputStream os = Files.newOutputStream(tmp);
          WritableByteChannel ch = Channels.newChannel(os)) {
        writeAll(ch, prefix);
        for (Entry en : entries.values()) {
          writeAll(ch, en.littleEndianBytes().duplicate());
        }
      }
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SafetensorsException(path, "cannot write: " + e.getMessage(), e);
    }
  }

  private static void writeAll(WritableByteChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static ByteBuffer toLittleEndian(ByteBuffer nativeBytes, DType dtype) {
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      ByteBuffer copy = ByteBuffer.allocate(nativeBytes.remaining());
      copy.put(nativeBytes.duplicate()).flip();
      return copy.order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer out = ByteBuffer.allocate(nativeBytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer in = nativeBytes.duplicate().order(ByteOrder.nativeOrder());
    while (in.hasRemaining()) {
      switch (dtype.bytes()) {
        case 8 -> out.putLong(in.getLong());
        case 4 -> out.putInt(in.getInt());
        case 2 -> out.putShort(in.getShort());
        default -> out.put(in.get());
      }
    }
    return out.flip();
  }
}
