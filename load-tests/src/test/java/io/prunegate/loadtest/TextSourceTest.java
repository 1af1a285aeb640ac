package io.prunegate.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextSourceTest {

  @Test
  void readsTsvJsonLinesAndPlainText(@TempDir Path dir) throws Exception {
    Path tsv =
        Files.writeString(dir.resolve("dev.tsv"), "sentence\tlabel\nit 's great \t1\nawful .\t0\n");
    assertEquals(List.of("it 's great", "awful ."), TextSource.read(tsv, 0));
    Path jsonl =
        Files.writeString(
            dir.resolve("t.jsonl"), "{\"text\":\"a b\",\"label\":1}\n{\"text\":\"c\"}\n");
    assertEquals(List.of("a b"), TextSource.read(jsonl, 1));
    Path txt = Files.writeString(dir.resolve("t.txt"), "one\n\n two \n");
    assertEquals(List.of("one", "two"), TextSource.read(txt, 0));
    Path noColumn = Files.writeString(dir.resolve("x.tsv"), "a\tb\n1\t2\n");
    assertThrows(IllegalArgumentException.class, () -> TextSource.read(noColumn, 0));
  }
}
