package io.prunegate.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The check each service's docs test runs: the README section between the table's markers must be
 * exactly the table rendered from the declarations. Run the test with {@code -Doptions.update=true}
 * to rewrite the section instead; otherwise a mismatch fails with the expected table, ready to
 * paste.
 */
public final class DocumentedOptions {

  private DocumentedOptions() {}

  /**
   * Throws {@link AssertionError} when {@code readme}'s section of {@code table} differs from the
   * rendered table (an undocumented option, a stale default or variable); rewrites the file instead
   * when the system property {@code options.update} is {@code true}.
   */
  public static void check(Path readme, OptionTable table) {
    try {
      String text = Files.readString(readme);
      String expected = OptionDocs.markdown(table);
      if (expected.equals(OptionDocs.section(text, table.service()))) {
        return;
      }
      if (Boolean.getBoolean("options.update")) {
        Files.writeString(readme, OptionDocs.splice(text, table));
        return;
      }
      throw new AssertionError(
          readme
              + ": the "
              + table.service()
              + " options table differs from the declarations; replace the section between "
              + OptionDocs.beginMarker(table.service())
              + " and "
              + OptionDocs.endMarker(table.service())
              + " with (or run with -Doptions.update=true):\n"
              + expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
