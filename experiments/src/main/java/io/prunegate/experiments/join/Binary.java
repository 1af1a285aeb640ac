package io.prunegate.experiments.join;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary encoding of the join's own records (state stores and its repartition topic): a format
 * byte, then fields through {@link DataOutputStream}. Internal data only, so it is compact rather
 * than JSON; the wire records on the public topics stay JSON ({@code EventCodec}).
 */
final class Binary {

  /** The format byte every encoded value starts with; a change of layout gets a new one. */
  static final byte FORMAT = 1;

  private Binary() {}

  /** Writes one value's fields. */
  @FunctionalInterface
  interface Writer<T> {
    void write(DataOutputStream out, T value) throws IOException;
  }

  /** Reads one value's fields. */
  @FunctionalInterface
  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  static <T> byte[] encode(T value, Writer<T> writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      writer.write(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static <T> T decode(byte[] data, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new SerializationException("unknown format " + format);
      }
      return reader.read(in);
    } catch (IOException e) {
      throw new SerializationException("cannot decode a join record", e);
    }
  }

  /** A serde over {@link #encode} and {@link #decode}; null stays null (a tombstone). */
  static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
    Serializer<T> ser = (topic, v) -> v == null ? null : encode(v, writer);
    Function<byte[], T> read = b -> b == null ? null : decode(b, reader);
    Deserializer<T> de = (topic, b) -> read.apply(b);
    return Serdes.serdeFrom(ser, de);
  }

  static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  static void writeNullable(DataOutputStream out, Integer i) throws IOException {
    out.writeBoolean(i != null);
    if (i != null) {
      out.writeInt(i);
    }
  }

  static Integer readNullableInt(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readInt() : null;
  }
}
