package io.prunegate.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.prunegate.model.config.ModelConfigException;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds corrupted safetensors headers (random byte flips, truncations, edited numbers, bogus header
 * lengths) through the full model-loading path. Every attempt must either load or fail with an
 * exception naming the file; a JVM crash would kill the test fork.
 */
class CorruptHeaderFuzzTest {

  @Test
  void corruptedHeadersNeverCrashTheJvm(@TempDir Path tmp) throws Exception {
    Path good = tmp.resolve("good");
    TinyModels.writeTinyLlama(good, 2);
    byte[] original = Files.readAllBytes(good.resolve(TensorSource.SINGLE_FILE));
    long headerLen = ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Random rnd = new Random(1234);
    int loaded = 0;
    int rejected = 0;
    Path dir = tmp.resolve("fuzz");
    Files.createDirectories(dir);
    Files.copy(good.resolve("config.json"), dir.resolve("config.json"));
    for (int i = 0; i < 400; i++) {
      byte[] bytes = mutate(original, (int) headerLen, rnd, i);
      Path file = dir.resolve(TensorSource.SINGLE_FILE);
      Files.write(file, bytes);
      try (LoadedModel m = LoadedModel.load(dir, new RuntimeOptions("cpu", 1, 1))) {
        loaded++;
      } catch (SafetensorsException | ModelConfigException e) {
        assertTrue(
            e.getMessage().contains(dir.toString()), "message names the file: " + e.getMessage());
        rejected++;
      } catch (RuntimeException e) {
        fail("mutation " + i + " escaped with " + e, e);
      }
    }
    System.out.printf(
        "fuzz: %d corrupted headers loaded cleanly, %d rejected with a message%n",
        loaded, rejected);
    assertEquals(400, loaded + rejected);
    assertTrue(rejected > 300, "most mutations must be detected, rejected " + rejected);
  }

  private static byte[] mutate(byte[] original, int headerLen, Random rnd, int i) {
    byte[] b = original.clone();
    switch (i % 5) {
      case 0 -> { // flip bytes inside the JSON header
        for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
          b[8 + rnd.nextInt(headerLen)] = (byte) rnd.nextInt(256);
        }
      }
      case 1 -> { // truncate anywhere
        return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
      }
      case 2 -> { // bogus header length
        long len =
            switch (rnd.nextInt(4)) {
              case 0 -> -1L;
              case 1 -> Long.MAX_VALUE;
              case 2 -> headerLen + 1 + rnd.nextInt(1000);
              default -> rnd.nextInt(headerLen);
            };
        ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(len);
      }
      case 3 -> { // edit a digit of the header (shapes, offsets)
        String header = new String(b, 8, headerLen, StandardCharsets.UTF_8);
        int pos;
        do {
          pos = rnd.nextInt(header.length());
        } while (!Character.isDigit(header.charAt(pos)));
        b[8 + pos] = (byte) ('0' + rnd.nextInt(10));
      }
      default -> { // rename a dtype
        String header = new String(b, 8, headerLen, StandardCharsets.UTF_8);
        String[] types = {"F16", "BF16", "I8", "F64", "XX", "I64"};
        header = header.replaceFirst("\"F32\"", "\"" + types[rnd.nextInt(types.length)] + "\"");
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        if (h.length == headerLen) {
          System.arraycopy(h, 0, b, 8, h.length);
        } else {
          byte[] out = new byte[8 + h.length + (b.length - 8 - headerLen)];
          ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
          System.arraycopy(h, 0, out, 8, h.length);
          System.arraycopy(b, 8 + headerLen, out, 8 + h.length, b.length - 8 - headerLen);
          return out;
        }
      }
    }
    return b;
  }
}
