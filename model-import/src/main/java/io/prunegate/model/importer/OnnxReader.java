package io.prunegate.model.importer;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of an ONNX model file (protobuf wire format) that the importer needs: nodes,
 * initializers and constant values. The file is memory-mapped and initializer data is sliced, not
 * copied. Only the fields used are decoded; every other field is skipped by its wire type.
 * Hand-written rather than generated from onnx.proto: the importer needs a handful of fields, and
 * slicing the mapped file keeps the weights out of the heap.
 */
public final class OnnxReader {

  private final Path path;
  private final ByteBuffer file;

  private OnnxReader(Path path, ByteBuffer file) {
    this.path = path;
    this.file = file;
  }

  /** Reads the graph of the ONNX model at {@code path}. */
  public static OnnxGraph read(Path path) {
    ByteBuffer buf;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      if (ch.size() > Integer.MAX_VALUE) {
        throw new OnnxFormatException(path, "larger than 2 GB (external data is not supported)");
      }
      buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    } catch (IOException e) {
      throw new OnnxFormatException(path, "cannot read: " + e.getMessage(), e);
    }
    try {
      return new OnnxReader(path, buf).model();
    } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new OnnxFormatException(path, "corrupt protobuf: " + e, e);
    }
  }

  private OnnxGraph model() {
    ByteBuffer graph = null;
    Wire w = new Wire(file.duplicate());
    while (w.hasMore()) {
      int key = w.key();
      if (field(key) == 7 && type(key) == 2) {
        graph = w.bytes();
      } else {
        w.skip(key);
      }
    }
    if (graph == null) {
      throw new OnnxFormatException(path, "no graph in the model");
    }
    return graph(graph);
  }

  private OnnxGraph graph(ByteBuffer b) {
    List<OnnxNode> nodes = new ArrayList<>();
    Map<String, OnnxTensor> inits = new LinkedHashMap<>();
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Wire w = new Wire(b);
    while (w.hasMore()) {
      int key = w.key();
      switch (field(key)) {
        case 1 -> nodes.add(node(w.bytes()));
        case 5 -> {
          OnnxTensor t = tensor(w.bytes());
          inits.put(t.name(), t);
        }
        case 11 -> inputs.add(valueInfoName(w.bytes()));
        case 12 -> outputs.add(valueInfoName(w.bytes()));
        default -> w.skip(key);
      }
    }
    return new OnnxGraph(nodes, inits, inputs, outputs);
  }

  private OnnxNode node(ByteBuffer b) {
    String name = "";
    String op = "";
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    Map<String, OnnxTensor> tensorAttrs = new LinkedHashMap<>();
    Map<String, Float> floatAttrs = new LinkedHashMap<>();
    Wire w = new Wire(b);
    while (w.hasMore()) {
      int key = w.key();
      switch (field(key)) {
        case 1 -> in.add(w.string());
        case 2 -> out.add(w.string());
        case 3 -> name = w.string();
        case 4 -> op = w.string();
        case 5 -> attribute(w.bytes(), tensorAttrs, floatAttrs);
        default -> w.skip(key);
      }
    }
    return new OnnxNode(name, op, in, out, tensorAttrs, floatAttrs);
  }

  private void attribute(ByteBuffer b, Map<String, OnnxTensor> tensors, Map<String, Float> floats) {
    String name = "";
    OnnxTensor t = null;
    Float f = null;
    Wire w = new Wire(b);
    while (w.hasMore()) {
      int key = w.key();
      switch (field(key)) {
        case 1 -> name = w.string();
        case 2 -> {
          if (type(key) != 5) {
            throw new IllegalArgumentException("attribute float with wire type " + type(key));
          }
          f = w.fixed32Float();
        }
        case 5 -> t = tensor(w.bytes());
        default -> w.skip(key);
      }
    }
    if (t != null) {
      tensors.put(name, t);
    }
    if (f != null) {
      floats.put(name, f);
    }
  }

  private OnnxTensor tensor(ByteBuffer b) {
    String name = "";
    int dataType = 0;
    List<Long> dims = new ArrayList<>();
    ByteBuffer raw = null;
    ByteBuffer floatData = null;
    ByteBuffer int64Data = null;
    ByteBuffer int32Data = null;
    List<Long> unpackedInts = new ArrayList<>();
    List<Float> unpackedFloats = new ArrayList<>();
    boolean external = false;
    Wire w = new Wire(b);
    while (w.hasMore()) {
      int key = w.key();
      switch (field(key)) {
        case 1 -> {
          if (type(key) == 2) {
            Wire packed = new Wire(w.bytes());
            while (packed.hasMore()) {
              dims.add(packed.varint());
            }
          } else {
            dims.add(w.varint());
          }
        }
        case 2 -> dataType = (int) w.varint();
        case 4 -> {
          if (type(key) == 2) {
            floatData = w.bytes();
          } else {
            unpackedFloats.add(w.fixed32Float());
          }
        }
        case 5 -> {
          if (type(key) == 2) {
            int32Data = w.bytes();
          } else {
            unpackedInts.add(w.varint());
          }
        }
        case 7 -> {
          if (type(key) == 2) {
            int64Data = w.bytes();
          } else {
            unpackedInts.add(w.varint());
          }
        }
        case 8 -> name = w.string();
        case 9 -> raw = w.bytes();
        case 14 -> external = w.varint() == 1;
        default -> w.skip(key);
      }
    }
    if (external) {
      throw new OnnxFormatException(
          path, "tensor '" + name + "' uses external data, which is not supported");
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    ByteBuffer data;
    if (raw != null) {
      data = raw;
    } else if (floatData != null) {
      data = floatData;
    } else if (int64Data != null || int32Data != null) {
      // Packed varints: decode into little-endian fixed-width values.
      Wire packed = new Wire(int64Data != null ? int64Data : int32Data);
      List<Long> vals = new ArrayList<>();
      while (packed.hasMore()) {
        vals.add(packed.varint());
      }
      data = fixedWidth(vals, dataType);
    } else if (!unpackedInts.isEmpty()) {
      data = fixedWidth(unpackedInts, dataType);
    } else {
      ByteBuffer fb = ByteBuffer.allocate(unpackedFloats.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
      unpackedFloats.forEach(fb::putFloat);
      data = fb.flip();
    }
    return new OnnxTensor(name, dataType, d, data.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  private static ByteBuffer fixedWidth(List<Long> vals, int dataType) {
    int width = dataType == OnnxTensor.INT32 ? 4 : 8;
    ByteBuffer out = ByteBuffer.allocate(vals.size() * width).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : vals) {
      if (width == 4) {
        out.putInt((int) v);
      } else {
        out.putLong(v);
      }
    }
    return out.flip();
  }

  private String valueInfoName(ByteBuffer b) {
    Wire w = new Wire(b);
    while (w.hasMore()) {
      int key = w.key();
      if (field(key) == 1) {
        return w.string();
      }
      w.skip(key);
    }
    return "";
  }

  private static int field(int key) {
    return key >>> 3;
  }

  private static int type(int key) {
    return key & 7;
  }

  /** A cursor over protobuf wire data. */
  private static final class Wire {
    private final ByteBuffer b;

    Wire(ByteBuffer b) {
      this.b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    boolean hasMore() {
      return b.hasRemaining();
    }

    int key() {
      long k = varint();
      if (k <= 0 || k > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("invalid field key " + k);
      }
      return (int) k;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = b.get();
        result |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    ByteBuffer bytes() {
      long len = varint();
      if (len < 0 || len > b.remaining()) {
        throw new IllegalArgumentException(
            "length " + len + " beyond the " + b.remaining() + " bytes left");
      }
      ByteBuffer slice = b.slice();
      slice.limit((int) len);
      b.position(b.position() + (int) len);
      return slice;
    }

    String string() {
      ByteBuffer s = bytes();
      byte[] arr = new byte[s.remaining()];
      s.get(arr);
      return new String(arr, StandardCharsets.UTF_8);
    }

    float fixed32Float() {
      return b.getFloat();
    }

    void skip(int key) {
      switch (type(key)) {
        case 0 -> varint();
        case 1 -> b.position(b.position() + 8);
        case 2 -> bytes();
        case 5 -> b.position(b.position() + 4);
        default -> throw new IllegalArgumentException("unsupported wire type " + type(key));
      }
    }
  }
}
