package io.prunegate.experiments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.config.DocumentedOptions;
import io.prunegate.config.Option;
import io.prunegate.experiments.policy.DecisionPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The experiments command line: its option table in the README and in {@code --help} comes from the
 * declarations, flags win over variables, and a refused policy or value is one line with exit code
 * 2.
 */
class ExperimentsMainTest {

  @Test
  void docsTableMatchesTheDeclarations() {
    DocumentedOptions.check(Path.of("README.md"), ExperimentOptions.TABLE);
    DocumentedOptions.check(Path.of("README.md"), ExperimentOptions.CLIENT);
  }

  @Test
  void serveHelpListsEveryDeclaredFlag() {
    StringWriter out = new StringWriter();
    assertEquals(
        0, ExperimentsMain.run(new String[] {"serve", "--help"}, Map.of(), new PrintWriter(out)));
    for (Option<?> o : ExperimentOptions.TABLE.options()) {
      if (o.flag() != null) {
        // a negatable switch is listed as --[no-]name
        String negatable = "--[no-]" + o.flag().substring(2);
        assertTrue(
            out.toString().contains(o.flag()) || out.toString().contains(negatable),
            o.flag() + " in\n" + out);
      }
    }
  }

  @Test
  void flagsWinOverVariablesWhichWinOverDefaults(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, "{\"defaults\": {\"non_inferiority_margin_points\": 3.0}}");
    CommandLine cl =
        ExperimentsMain.commandLine(
            Map.of(
                "PRUNEGATE_EXPERIMENTS_JUDGE_INTERVAL", "5s",
                "PRUNEGATE_EXPERIMENTS_POLICY", policy.toString(),
                "PRUNEGATE_KAFKA_BOOTSTRAP", "from-env:9092"));
    CommandLine.ParseResult r =
        cl.parseArgs(
            "serve", "--kafka-bootstrap", "from-flag:9092", "--no-act", "--label-delay", "2d");
    ExperimentConfig c =
        ((ExperimentsMain.Serve) r.subcommand().commandSpec().userObject()).config();
    assertEquals("from-flag:9092", c.kafkaBootstrap());
    assertEquals(Duration.ofSeconds(5), c.judgeInterval());
    assertEquals(Duration.ofDays(2), c.join().labelDelay());
    assertEquals(false, c.act());
    assertEquals(3.0, c.policy().defaults().nonInferiorityMarginPoints());
    assertEquals("prunegate-experiments", c.join().applicationId());
  }

  @Test
  void policyPrintsTheBuiltInPolicyAndRefusesABadOneInOneLine(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    assertEquals(0, ExperimentsMain.run(new String[] {"policy"}, Map.of(), new PrintWriter(out)));
    assertEquals(DecisionPolicy.defaultPolicy(), DecisionPolicy.parse(out.toString()));

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"defaults\": {\"alpha\": 2}}");
    CommandLine cl = ExperimentsMain.commandLine(Map.of());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("policy", bad.toString()));
    String line = err.toString().strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.contains("alpha") && line.contains(bad.toString()), line);
  }
}
