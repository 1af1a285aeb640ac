package io.prunegate.model.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.ModelJson;
import io.prunegate.model.TinyLlamaFixture;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.classify.NonFiniteOutputException;
import io.prunegate.model.classify.Prediction;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupted copies of a real bundle (the tiny-llama model, two linear chips with early exit, its
 * manifest) loaded through {@link VariantBundle#open}, the gateway's entry point, then classified.
 * Every copy must be refused with a message naming the file, or answer exactly as the original. As
 * served, the manifest's sha256 catch every change to another file. Re-signed (the hashes rewritten
 * after the damage, as a faulty producer would), the format's own checks must catch everything
 * except what no format can see: tensor data bytes changed in place, and JSON values changed to
 * other valid values; those are counted and reported, not passed silently.
 */
class BundleFuzzTest {

  private static final int COPIES = 1000;
  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", 1, 1);
  private static final List<String> FILES =
      List.of("model.safetensors", "chips.safetensors", "config.json", VariantBundle.MANIFEST);

  @TempDir static Path tmp;
  private static Path original;
  private static TokenBatch batch;
  private static List<Prediction> reference;

  /** How a corrupted copy came out. */
  private enum Outcome {
    REFUSED,
    SAME_ANSWERS,
    CHANGED_DATA_IN_PLACE,
    CHANGED_VALUE_EDIT
  }

  @BeforeAll
  static void writeBundle() throws Exception {
    original = tmp.resolve("original");
    Files.createDirectories(original);
    Path fixture = TinyLlamaFixture.dir("dense");
    Files.copy(fixture.resolve("config.json"), original.resolve("config.json"));
    Files.copy(fixture.resolve("model.safetensors"), original.resolve("model.safetensors"));
    batch = TinyLlamaFixture.batch(TinyLlamaFixture.expected(fixture));
    List<String> labels = List.of("billing", "account", "outage");
    Random rnd = new Random(11);
    try (NDManager m = NDManager.newBaseManager()) {
      ChipSet chips =
          new ChipSet(
              List.of(linear(m, rnd, 2, labels.size()), linear(m, rnd, 4, labels.size())),
              Pooling.LAST_TOKEN,
              labels,
              Map.of(2, 0.5));
      chips.write(original);
    }
    VariantBundle.writeManifest(
        original,
        new BundleManifest(
            BundleManifest.SCHEMA_VERSION,
            "chip-fuzz",
            "chip",
            Map.of("depths", List.of(2, 4)),
            new BundleManifest.Lineage("tiny-llama", 1, "tiny-llama"),
            null,
            labels,
            null,
            null,
            null,
            null,
            null));
    try (VariantBundle.Opened o = openQuietly(original)) {
      reference = o.classifier().classify(batch, true);
    }
    assertTrue(
        reference.stream().map(Prediction::exitDepth).distinct().count() >= 1,
        "the reference answers");
  }

  private static LinearChip linear(NDManager m, Random rnd, int depth, int classes) {
    float[] w = new float[classes * 64];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    return new LinearChip(
        depth, m.create(w).reshape(classes, 64), m.zeros(new ai.djl.ndarray.types.Shape(classes)));
  }

  @Test
  void asServedEveryDamagedFileIsRefused() throws Exception {
    Map<Outcome, Integer> outcomes = run(false, new Random(1));
    System.out.println("bundle fuzz, as served (" + COPIES + " copies): " + outcomes);
    assertEquals(
        0, outcomes.get(Outcome.CHANGED_DATA_IN_PLACE) + outcomes.get(Outcome.CHANGED_VALUE_EDIT));
    assertTrue(outcomes.get(Outcome.REFUSED) > COPIES * 9 / 10, "nearly all refused: " + outcomes);
  }

  @Test
  void reSignedOnlyWhatNoFormatCanSeeChangesTheAnswers() throws Exception {
    Map<Outcome, Integer> outcomes = run(true, new Random(2));
    System.out.println("bundle fuzz, re-signed (" + COPIES + " copies): " + outcomes);
    assertTrue(outcomes.get(Outcome.REFUSED) > COPIES / 2, "most refused: " + outcomes);
  }

  /** Runs the copies; fails at the first one that answers differently without an excuse. */
  private static Map<Outcome, Integer> run(boolean reSign, Random rnd) throws Exception {
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, 0);
    }
    Path dir = tmp.resolve(reSign ? "resigned" : "served");
    Map<String, Integer> changedBy = new TreeMap<>();
    for (int i = 0; i < COPIES; i++) {
      copyOriginal(dir);
      String file = FILES.get(rnd.nextInt(FILES.size()));
      byte[] before = Files.readAllBytes(dir.resolve(file));
      byte[] after = mutate(file, before, rnd);
      Files.write(dir.resolve(file), after);
      if (reSign && !file.equals(VariantBundle.MANIFEST)) {
        BundleManifest m = VariantBundle.readManifest(dir);
        VariantBundle.writeManifest(dir, m.withFiles(Map.of()));
      }
      Outcome o = load(dir, i, file);
      if (o == null) {
        o =
            file.endsWith(".safetensors") && sameHeader(before, after)
                ? Outcome.CHANGED_DATA_IN_PLACE
                : (file.endsWith(".json") && sameShape(before, after))
                        || (file.endsWith(".safetensors") && onlyMetadataValues(before, after))
                    ? Outcome.CHANGED_VALUE_EDIT
                    : null;
        if (o == null) {
          fail(
              "copy "
                  + i
                  + ": a damaged "
                  + file
                  + " loaded and answered differently: "
                  + difference(before, after));
        }
        if (!reSign) {
          fail("copy " + i + ": a damaged " + file + " passed the manifest's sha256");
        }
      }
      outcomes.merge(o, 1, Integer::sum);
      if (o == Outcome.CHANGED_DATA_IN_PLACE || o == Outcome.CHANGED_VALUE_EDIT) {
        changedBy.merge(o + " " + file, 1, Integer::sum);
        if (o == Outcome.CHANGED_VALUE_EDIT) {
          System.out.println("  value edit in " + file + ": " + difference(before, after));
        }
      }
    }
    System.out.println("  answers changed by: " + changedBy);
    return outcomes;
  }

  /** The outcome, or null when the copy loaded and answered differently. */
  private static Outcome load(Path dir, int i, String file) {
    try (VariantBundle.Opened o = openQuietly(dir)) {
      List<Prediction> answers = o.classifier().classify(batch, true);
      return same(answers) ? Outcome.SAME_ANSWERS : null;
    } catch (NonFiniteOutputException e) {
      return Outcome.REFUSED; // never served: the gateway's warm-up refuses the variant
    } catch (RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      if (!msg.contains(dir.toString())) {
        fail("copy " + i + " (" + file + "): the error does not name the file: " + e, e);
      }
      return Outcome.REFUSED;
    }
  }

  private static VariantBundle.Opened openQuietly(Path dir) {
    return VariantBundle.open(dir, CPU);
  }

  private static boolean same(List<Prediction> answers) {
    if (answers.size() != reference.size()) {
      return false;
    }
    for (int i = 0; i < answers.size(); i++) {
      Prediction a = answers.get(i);
      Prediction r = reference.get(i);
      if (a.labelIndex() != r.labelIndex()
          || a.exitDepth() != r.exitDepth()
          || !Arrays.equals(a.probabilities(), r.probabilities())) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- mutations

  private static byte[] mutate(String file, byte[] b, Random rnd) {
    return file.endsWith(".safetensors") ? mutateSafetensors(b, rnd) : mutateJson(b, rnd);
  }

  private static byte[] mutateSafetensors(byte[] b, Random rnd) {
    int headerLen = (int) ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    byte[] c = b.clone();
    switch (rnd.nextInt(8)) {
      case 0 -> c[8 + rnd.nextInt(headerLen)] ^= (byte) (1 << rnd.nextInt(8)); // header bit
      case 1 -> {
        long len = rnd.nextBoolean() ? headerLen + rnd.nextInt(33) - 16 : rnd.nextLong();
        ByteBuffer.wrap(c, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(len);
      }
      case 2 -> c = Arrays.copyOf(b, rnd.nextInt(b.length)); // truncated
      case 3 -> {
        c = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(64)); // trailing bytes
        for (int i = b.length; i < c.length; i++) {
          c[i] = (byte) rnd.nextInt(256);
        }
      }
      case 4 -> { // data bytes changed in place: invisible to the format
        int at = 8 + headerLen + rnd.nextInt(b.length - 8 - headerLen);
        c[at] = (byte) (c[at] + 1 + rnd.nextInt(255));
      }
      case 5 -> c = editNumber(b, 8, 8 + headerLen, rnd, true); // an offset or a dimension
      case 6 ->
          c =
              replaceOnce(
                  b,
                  8,
                  8 + headerLen,
                  "\"F32\"",
                  pick(rnd, "\"I32\"", "\"F16\"", "\"U8\"", "\"BF16\"", "\"F64\""),
                  rnd);
      default -> c = editNumber(b, 8, 8 + headerLen, rnd, false); // any digit, metadata included
    }
    return c;
  }

  private static byte[] mutateJson(byte[] b, Random rnd) {
    byte[] c = b.clone();
    switch (rnd.nextInt(6)) {
      case 0 -> c[rnd.nextInt(c.length)] ^= (byte) (1 << rnd.nextInt(8));
      case 1 -> c = Arrays.copyOf(b, rnd.nextInt(b.length));
      case 2, 3 -> c = editNumber(b, 0, b.length, rnd, false);
      case 4 ->
          c =
              replaceOnce(
                  b,
                  0,
                  b.length,
                  ": ",
                  pick(rnd, ": \"x\", \"_\": ", ": null, \"_\": ", ": [], \"_\": "),
                  rnd);
      default -> { // a key given twice: the first field's key copied into the same object
        String s = new String(b, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\\{\\s*(\"[a-z_]+\"\\s*:\\s*)").matcher(s);
        if (m.find()) {
          s = s.substring(0, m.end()) + "1, " + m.group(1) + s.substring(m.end());
        }
        c = s.getBytes(StandardCharsets.UTF_8);
      }
    }
    return c;
  }

  /** One run of digits in [from, to) replaced by another number (same length when asked). */
  private static byte[] editNumber(byte[] b, int from, int to, Random rnd, boolean sameLength) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    List<int[]> runs = new ArrayList<>();
    Matcher m = Pattern.compile("[0-9]+").matcher(s).region(from, to);
    while (m.find()) {
      runs.add(new int[] {m.start(), m.end()});
    }
    if (runs.isEmpty()) {
      return b;
    }
    int[] r = runs.get(rnd.nextInt(runs.size()));
    String replacement;
    if (sameLength) {
      StringBuilder d = new StringBuilder();
      for (int i = r[0]; i < r[1]; i++) {
        d.append((char) ('0' + rnd.nextInt(10)));
      }
      replacement = d.toString();
    } else {
      replacement = Long.toString(rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(1000));
    }
    return (s.substring(0, r[0]) + replacement + s.substring(r[1]))
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] replaceOnce(
      byte[] b, int from, int to, String what, String with, Random rnd) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    List<Integer> at = new ArrayList<>();
    for (int i = s.indexOf(what, from); i >= 0 && i < to; i = s.indexOf(what, i + 1)) {
      at.add(i);
    }
    if (at.isEmpty()) {
      return b;
    }
    int i = at.get(rnd.nextInt(at.size()));
    return (s.substring(0, i) + with + s.substring(i + what.length()))
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String pick(Random rnd, String... options) {
    return options[rnd.nextInt(options.length)];
  }

  // ---------------------------------------------------------------- what no format can see

  /** Same length and the same header bytes: only tensor data changed, in place. */
  private static boolean sameHeader(byte[] before, byte[] after) {
    if (before.length != after.length) {
      return false;
    }
    int headerLen = (int) ByteBuffer.wrap(before, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return Arrays.equals(before, 0, 8 + headerLen, after, 0, 8 + headerLen);
  }

  /**
   * The same tensors, bytes and header entries, and metadata that parses to the same shape: only a
   * metadata value (a chip's threshold, ...) changed to another valid one.
   */
  private static boolean onlyMetadataValues(byte[] before, byte[] after) {
    if (before.length != after.length) {
      return false;
    }
    int headerLen = (int) ByteBuffer.wrap(before, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (!Arrays.equals(before, 0, 8, after, 0, 8)
        || !Arrays.equals(
            before, 8 + headerLen, before.length, after, 8 + headerLen, after.length)) {
      return false;
    }
    try {
      JsonNode a = ModelJson.mapper().readTree(Arrays.copyOfRange(before, 8, 8 + headerLen));
      JsonNode b = ModelJson.mapper().readTree(Arrays.copyOfRange(after, 8, 8 + headerLen));
      com.fasterxml.jackson.databind.node.ObjectNode ta = a.deepCopy();
      com.fasterxml.jackson.databind.node.ObjectNode tb = b.deepCopy();
      JsonNode ma = ta.remove("__metadata__");
      JsonNode mb = tb.remove("__metadata__");
      if (!ta.equals(tb) || ma == null || mb == null) {
        return false;
      }
      Map<String, String> sa = new TreeMap<>();
      Map<String, String> sb = new TreeMap<>();
      for (Iterator<String> it = ma.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        sa.putAll(shape(ModelJson.mapper().readTree(ma.get(k).asText()), k));
      }
      for (Iterator<String> it = mb.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        sb.putAll(shape(ModelJson.mapper().readTree(mb.get(k).asText()), k));
      }
      return sa.equals(sb);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Both parse, with the same fields and node types everywhere: only values changed. */
  private static boolean sameShape(byte[] before, byte[] after) {
    try {
      return shape(ModelJson.mapper().readTree(before), "")
          .equals(shape(ModelJson.mapper().readTree(after), ""));
    } catch (IOException e) {
      return false;
    }
  }

  private static Map<String, String> shape(JsonNode n, String path) {
    Map<String, String> out = new TreeMap<>();
    out.put(path, n.getNodeType().toString());
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.putAll(shape(e.getValue(), path + "." + e.getKey()));
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        out.putAll(shape(n.get(i), path + "[" + i + "]"));
      }
    }
    return out;
  }

  /** The changed region, for the failure message. */
  private static String difference(byte[] before, byte[] after) {
    int start = 0;
    while (start < Math.min(before.length, after.length) && before[start] == after[start]) {
      start++;
    }
    int from = Math.max(0, start - 40);
    return "at byte "
        + start
        + ": '"
        + new String(
            before, from, Math.min(before.length, start + 40) - from, StandardCharsets.ISO_8859_1)
        + "' became '"
        + new String(
            after,
            from,
            Math.max(0, Math.min(after.length, start + 40) - from),
            StandardCharsets.ISO_8859_1)
        + "' (length "
        + before.length
        + " -> "
        + after.length
        + ")";
  }

  private static void copyOriginal(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : FILES) {
      Files.copy(
          original.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
