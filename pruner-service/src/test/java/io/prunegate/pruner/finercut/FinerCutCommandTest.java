package io.prunegate.pruner.finercut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.pruner.cli.PruneCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code prune finercut} is reachable under {@code prune} and documents its options. */
class FinerCutCommandTest {

  @Test
  void finercutIsASubcommandOfPruneWithDocumentedOptions() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new PruneCommand()).setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("finercut", "--help"));
    String help = out.toString();
    for (String option :
        new String[] {
          "--model",
          "--calibration",
          "--ratio",
          "--search-ratio",
          "--exclude-layers",
          "--attention-only",
          "--criterion",
          "--naive",
          "--sequences",
          "--tokens",
          "--output"
        }) {
      assertTrue(help.contains(option), option + " missing from:\n" + help);
    }
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertNotEquals(0, cli.execute("finercut", "--model", "m"));
    assertTrue(err.toString().contains("--calibration"), err.toString());
  }
}
