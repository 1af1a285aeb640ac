package io.prunegate.model.safetensors;

/** Conversions between 16-bit float formats and F32 (Java 17 has no Float.float16ToFloat). */
public final class HalfFloats {

  private HalfFloats() {}

  /** bfloat16: the upper 16 bits of an F32. */
  public static float bf16ToF32(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** F32 to bfloat16 with round-to-nearest-even (NaN stays NaN). */
  public static short f32ToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** IEEE 754 binary16 to F32, subnormals, infinities and NaN included. */
  public static float f16ToF32(short half) {
    int h = half & 0xFFFF;
    int sign = (h >>> 15) << 31;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: normalise the mantissa
      int e = -1;
      do {
        e++;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      mant &= 0x3FF;
      return Float.intBitsToFloat(sign | ((127 - 15 - e) << 23) | (mant << 13));
    }
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** F32 to IEEE 754 binary16 with round-to-nearest-even. */
  public static short f32ToF16(float value) {
    int f = Float.floatToRawIntBits(value);
    int sign = (f >>> 16) & 0x8000;
    int exp = ((f >>> 23) & 0xFF) - 127 + 15;
    int mant = f & 0x7FFFFF;
    if (((f >>> 23) & 0xFF) == 0xFF) {
      return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
    }
    if (exp >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (exp <= 0) {
      if (exp < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - exp;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = sign | (exp << 10) | (mant >>> 13);
    int rem = mant & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) half;
  }
}
