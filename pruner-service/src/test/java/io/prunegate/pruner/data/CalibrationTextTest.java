package io.prunegate.pruner.data;

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
}
