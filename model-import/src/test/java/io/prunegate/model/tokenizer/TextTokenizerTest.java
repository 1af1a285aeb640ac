package io.prunegate.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.TokenBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {

  @Test
  void padsRightAndFlagsTruncation() {
    var dir = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"), 512, 0)) {
      String huge = "the gateway answers every request. ".repeat(30_000); // ~1 MB
      long t0 = System.nanoTime();
      TokenBatch b = tok.encode(List.of("hello world", huge, ""));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(3, b.batchSize());
      assertEquals(512, b.seqLen());
      assertEquals(4, b.lengths()[0]); // [CLS] hello world [SEP]
      assertEquals(512, b.lengths()[1]);
      assertEquals(2, b.lengths()[2]); // [CLS] [SEP]
      assertFalse(b.truncated()[0]);
      assertTrue(b.truncated()[1]);
      assertEquals(0L, b.ids()[4]); // padding after "hello world"
      long[] first = tok.encode("hello world");
      assertArrayEquals(first, java.util.Arrays.copyOf(b.ids(), 4));
      assertTrue(ms < 5_000, "a 1 MB text is cut before tokenizing, took " + ms + " ms");
    }
  }
}
