package io.prunegate.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.standalone.demo.DemoCommand;
import io.prunegate.standalone.demo.DemoOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's command tree: every service and tool is reachable, and the demo's flags parse. */
class PruneGateCliTest {

  @Test
  void everyServiceAndToolIsASubcommand() {
    CommandLine cli = PruneGateCli.commandLine(Map.of());
    assertTrue(
        cli.getSubcommands()
            .keySet()
            .containsAll(
                java.util.List.of(
                    "demo",
                    "serve",
                    "registry",
                    "pruner",
                    "experiments",
                    "prune",
                    "import",
                    "bench",
                    "engine")),
        cli.getSubcommands().keySet().toString());
    assertTrue(cli.getSubcommands().get("registry").getSubcommands().containsKey("serve"));
    assertTrue(cli.getSubcommands().get("pruner").getSubcommands().containsKey("serve"));
    assertTrue(cli.getSubcommands().get("experiments").getSubcommands().containsKey("serve"));
  }

  @Test
  void serveHelpListsTheGatewayOptions() {
    StringWriter out = new StringWriter();
    CommandLine cli = PruneGateCli.commandLine(Map.of());
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("serve", "--help"));
    assertTrue(out.toString().contains("--kafka-bootstrap"), out.toString());
    assertTrue(out.toString().contains("--registry-url"), out.toString());
  }

  @Test
  void demoFlagsBecomeOptions() {
    CommandLine cli = PruneGateCli.commandLine(Map.of());
    CommandLine.ParseResult parsed =
        cli.parseArgs(
            "demo", "--once", "--work-dir", "/tmp/x", "--requests", "50", "--gateway-port", "0");
    DemoCommand demo = (DemoCommand) parsed.subcommand().commandSpec().userObject();
    DemoOptions o = demo.options();
    assertTrue(o.once());
    assertEquals(Path.of("/tmp/x"), o.workDir());
    assertEquals(50, o.requestsPerPhase());
    assertEquals(0, o.gatewayPort());
    assertEquals(8081, o.registryPort());
  }

  /** A refused configuration of any service is one line naming the option, and exit code 2. */
  @Test
  void aRefusedConfigurationIsOneLineNotAStackTrace() {
    assertRefused(
        Map.of("PRUNEGATE_REGISTRY_TOKENS", "short"),
        "prunegate registry serve: --token / PRUNEGATE_REGISTRY_TOKENS: tokens must",
        "registry",
        "serve",
        "--port",
        "0");
    assertRefused(
        Map.of(),
        "prunegate registry serve: no write token configured",
        "registry",
        "serve",
        "--port",
        "0");
    assertRefused(
        Map.of(),
        "prunegate pruner serve: --lease / PRUNEGATE_PRUNER_LEASE",
        "pruner",
        "serve",
        "--lease",
        "xyz");
    assertRefused(
        Map.of("PRUNEGATE_GATEWAY_COMMIT_INTERVAL", "soon"),
        "prunegate serve: --commit-interval / PRUNEGATE_GATEWAY_COMMIT_INTERVAL",
        "serve");
    assertRefused(
        Map.of(),
        "prunegate experiments serve: --judge-interval / PRUNEGATE_EXPERIMENTS_JUDGE_INTERVAL",
        "experiments",
        "serve",
        "--judge-interval",
        "1ms");
  }

  private static void assertRefused(Map<String, String> env, String starts, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = PruneGateCli.commandLine(env);
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code = cli.execute(args);
    String printed = err.toString();
    assertEquals(2, code, printed);
    assertTrue(printed.startsWith(starts), printed);
    assertEquals(1, printed.lines().count(), "one line: " + printed);
  }
}
