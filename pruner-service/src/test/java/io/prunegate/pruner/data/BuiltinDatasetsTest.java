package io.prunegate.pruner.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinDatasetsTest {

  @Test
  void supportTicketsHasThreeSplitsOverTheSameClasses() {
    DatasetSplits s = BuiltinDatasets.supportTickets();
    assertEquals(
        List.of("account", "billing", "feedback", "shipping", "technical"), s.labelNames());
    assertEquals(300, s.train().size());
    assertEquals(100, s.validation().size());
    assertEquals(100, s.test().orElseThrow().size());
    for (int c : s.train().classCounts()) {
      assertEquals(60, c);
    }
    Set<String> train = new HashSet<>(s.train().texts());
    assertTrue(s.test().orElseThrow().texts().stream().noneMatch(train::contains));
  }

  @Test
  void materializeWritesTheFiles(@TempDir Path dir) throws Exception {
    Path out = BuiltinDatasets.materialize(BuiltinDatasets.SUPPORT_TICKETS, dir);
    assertEquals(dir.resolve("support-tickets"), out);
    for (String f : List.of("train.tsv", "validation.tsv", "test.tsv")) {
      assertTrue(Files.readString(out.resolve(f)).startsWith("text\tlabel\n"), f);
    }
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> BuiltinDatasets.materialize("nope", dir));
    assertTrue(e.getMessage().contains("nope"));
  }
}
