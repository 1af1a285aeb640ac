package io.prunegate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code promtool check metrics} on a scrape, for the services' metrics tests. promtool is an
 * optional tool (Debian package {@code prometheus}, which {@code .ci/run} installs where it can):
 * where it is missing the check is skipped, said so, and the tests' own assertions still run.
 */
public final class Promtool {

  private static final File PROMTOOL = new File("/usr/bin/promtool");

  private Promtool() {}

  /** Asserts that promtool finds nothing to report in {@code metrics} (exit 0, no output). */
  public static void assertCleanMetrics(String metrics) throws Exception {
    Assumptions.assumeTrue(
        PROMTOOL.canExecute(), "promtool not installed (Debian package prometheus)");
    Process p =
        new ProcessBuilder(PROMTOOL.getPath(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool finished");
    System.out.println("promtool check metrics: exit " + p.exitValue() + " " + out.strip());
    assertEquals(0, p.exitValue(), "promtool check metrics: " + out);
    assertEquals("", out.strip(), "promtool check metrics reports nothing");
  }
}
