package io.prunegate.pruner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.config.DocumentedOptions;
import io.prunegate.config.Option;
import io.prunegate.pruner.config.PrunerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pruner's option table in the docs and in {@code --help} comes from its declarations. */
class PrunerOptionsDocsTest {

  @Test
  void docsTableMatchesTheDeclarations() {
    DocumentedOptions.check(Path.of("../docs/pruner-service.md"), PrunerOptions.TABLE);
  }

  @Test
  void serveHelpListsEveryDeclaredFlag() {
    StringWriter out = new StringWriter();
    assertEquals(
        0, PrunerMain.run(new String[] {"serve", "--help"}, Map.of(), new PrintWriter(out)));
    for (Option<?> o : PrunerOptions.TABLE.options()) {
      if (o.flag() != null) {
        assertTrue(out.toString().contains(o.flag()), o.flag() + " in\n" + out);
      }
    }
  }

  @Test
  void aRecordBuiltInCodeIsCheckedLikeFlags() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> PrunerOptions.TABLE.defaults().with(PrunerOptions.CONCURRENCY, 0));
    assertEquals("concurrency must be >= 1, was 0", e.getMessage());
  }
}
