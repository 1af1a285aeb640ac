package io.prunegate.model.safetensors;

/** Element types found in safetensors files, with their size in bytes. */
public enum DType {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** True for the float types this runtime widens to F32 on read. */
  public boolean isFloat() {
    return this == F32 || this == F16 || this == BF16 || this == F64;
  }

  /** The type named {@code name} in a safetensors header, or {@code null}. */
  public static DType fromHeader(String name) {
    for (DType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
