package io.prunegate.model.importer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tensor from an ONNX file (an initializer or a Constant node's value). Data is kept as
 * little-endian bytes whatever field the file stored it in.
 *
 * @param name tensor name (may be empty for constants)
 * @param dataType ONNX TensorProto.DataType code
 * @param dims dimensions
 * @param data little-endian element bytes
 */
public record OnnxTensor(String name, int dataType, long[] dims, ByteBuffer data) {

  public static final int FLOAT = 1;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int FLOAT16 = 10;
  public static final int DOUBLE = 11;
  public static final int BFLOAT16 = 16;

  public long elementCount() {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  /** Values as floats (FLOAT, FLOAT16, BFLOAT16, DOUBLE). */
  public float[] floats() {
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(elementCount());
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (dataType) {
            case FLOAT -> b.getFloat();
            case DOUBLE -> (float) b.getDouble();
            case FLOAT16 -> io.prunegate.model.safetensors.HalfFloats.f16ToF32(b.getShort());
            case BFLOAT16 -> io.prunegate.model.safetensors.HalfFloats.bf16ToF32(b.getShort());
            default ->
                throw new IllegalStateException(
                    "tensor '" + name + "' of ONNX type " + dataType + " is not a float tensor");
          };
    }
    return out;
  }

  /** Values as longs (INT64, INT32). */
  public long[] longs() {
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(elementCount());
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (dataType) {
            case INT64 -> b.getLong();
            case INT32 -> b.getInt();
            default ->
                throw new IllegalStateException(
                    "tensor '" + name + "' of ONNX type " + dataType + " is not an integer tensor");
          };
    }
    return out;
  }
}
