package io.prunegate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** A refused configuration prints one line and exits 2; a defect keeps its stack trace. */
class ConfigErrorHandlerTest {

  @Command(name = "svc", subcommands = Serve.class)
  static final class Svc {}

  @Command(name = "serve")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Option(names = "--fail")
    String fail = "";

    @Override
    public Integer call() {
      switch (fail) {
        case "value" ->
            throw new IllegalArgumentException("--lease / PRUNEGATE_PRUNER_LEASE: not a duration");
        case "state" -> throw new IllegalStateException("no write token configured");
        case "defect" -> throw new NullPointerException("a bug");
        default -> {
          return 0;
        }
      }
    }
  }

  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = ConfigErrorHandler.install(new CommandLine(new Svc()));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), err.toString()};
  }

  @Test
  void aBadValueIsOneLineNamingTheCommandAndExitCode2() {
    String[] r = run("serve", "--fail", "value");
    assertEquals("2", r[0]);
    assertEquals(
        "svc serve: --lease / PRUNEGATE_PRUNER_LEASE: not a duration" + System.lineSeparator(),
        r[1]);
  }

  @Test
  void aConfigurationThatCannotServeIsOneLineToo() {
    String[] r = run("serve", "--fail", "state");
    assertEquals("2", r[0]);
    assertEquals("svc serve: no write token configured" + System.lineSeparator(), r[1]);
  }

  @Test
  void aDefectKeepsItsStackTrace() {
    String[] r = run("serve", "--fail", "defect");
    assertEquals("1", r[0]);
    assertTrue(r[1].contains("NullPointerException: a bug"), r[1]);
    assertTrue(r[1].contains("\tat "), r[1]);
  }

  @Test
  void aGoodRunIsUntouched() {
    assertEquals("0", run("serve")[0]);
  }
}
