package io.prunegate.pruner.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.tokenizer.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTextTest {

  @Test
  void cutsRunningTextIntoFramedSequences(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("calib.txt");
    Files.writeString(
        text,
        "The quick brown fox jumps over the lazy dog.\n\nA second line of text.\n".repeat(40));
    Path model = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    try (TextTokenizer tok = TextTokenizer.load(model.resolve("tokenizer.json"), 512, 0)) {
      CalibrationText c = CalibrationText.read(text, tok, 6, 32);
      assertEquals(6, c.count());
      long cls = tok.encode("x")[0];
      for (long[] s : c.sequences()) {
        assertEquals(32, s.length);
        assertEquals(cls, s[0]);
      }
      assertEquals(2, c.batches(4).size());
      assertEquals(64, c.sha256().length());
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> CalibrationText.read(text, tok, 1000, 128));
      assertTrue(
          e.getMessage().contains("calib.txt") && e.getMessage().contains("needed"),
          e.getMessage());
    }
  }

  @Test
  void linesLayoutKeepsEachLineItsOwnSequence(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("sentences.txt");
    String longLine = "word ".repeat(100).strip();
    Files.writeString(text, "a gripping film .\n\n   \nflat and dull\n" + longLine + "\nextra\n");
    Path model = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    try (TextTokenizer tok = TextTokenizer.load(model.resolve("tokenizer.json"), 512, 0)) {
      CalibrationText c = CalibrationText.lines(text, tok, 3, 16);
      assertEquals(CalibrationText.Layout.LINES, c.layout());
      assertEquals(3, c.count());
      // Each line framed alone: [CLS] tokens [SEP], the same ids the tokenizer gives the line.
      assertArrayEquals(tok.encode("a gripping film ."), c.sequences().get(0));
      assertArrayEquals(tok.encode("flat and dull"), c.sequences().get(1));
      long[] cut = c.sequences().get(2);
      assertEquals(16, cut.length);
      assertEquals(tok.encode("x")[2], cut[15], "a cut line still ends with [SEP]");
      assertEquals(c.sequences().stream().mapToLong(s -> s.length).sum(), c.totalTokens());
      assertEquals("lines", c.describe().get("layout"));
      var batch = c.batches(8).get(0);
      assertEquals(16, batch.seqLen());
      assertEquals(c.sequences().get(0).length, batch.lengths()[0]);
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> CalibrationText.lines(text, tok, 9, 16));
      assertTrue(
          e.getMessage().contains("sentences.txt") && e.getMessage().contains("4 non-empty"),
          e.getMessage());
      assertEquals(CalibrationText.Layout.LINES, CalibrationText.Layout.parse(" Lines "));
      assertThrows(IllegalArgumentException.class, () -> CalibrationText.Layout.parse("rows"));
    }
  }
}
