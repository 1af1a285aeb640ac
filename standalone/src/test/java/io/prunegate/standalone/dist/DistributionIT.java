package io.prunegate.standalone.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive runs on its own: unpacked into an empty directory far from the build,
 * its launcher starts PruneGate with nothing but a JDK (no Maven, no target/lib beside it).
 */
class DistributionIT {

  private static final Path ARCHIVE = Path.of("target", "prunegate-dist.tar");

  @Test
  void theUnpackedArchiveRunsFromItsOwnLauncher(@TempDir Path dir) throws Exception {
    assertTrue(Files.isRegularFile(ARCHIVE), ARCHIVE.toAbsolutePath() + " is built by package");
    assertEquals(0, run(dir, "tar", "-xf", ARCHIVE.toAbsolutePath().toString()).exit());
    Path home = dir.resolve("prunegate");
    assertTrue(Files.isExecutable(home.resolve("bin/prunegate")), "the launcher is executable");
    long jars;
    try (var s = Files.list(home.resolve("lib"))) {
      jars = s.filter(p -> p.toString().endsWith(".jar")).count();
    }
    assertTrue(jars > 50, "lib/ holds the dependencies: " + jars);

    Result version = run(dir, home.resolve("bin/prunegate").toString(), "--version");
    assertEquals(0, version.exit(), version.output());
    assertTrue(version.output().contains("PruneGate"), version.output());
    Result help = run(dir, home.resolve("bin/prunegate").toString(), "demo", "--help");
    assertEquals(0, help.exit(), help.output());
    assertTrue(help.output().contains("--once"), help.output());
  }

  private record Result(int exit, String output) {}

  private static Result run(Path cwd, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).directory(cwd.toFile());
    pb.redirectErrorStream(true);
    // Only a JDK: the one running this test, through JAVA_HOME, and the system tools.
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("PRUNEGATE_JAVA_OPTS", "-Xmx256m");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished: " + String.join(" ", cmd));
    return new Result(p.exitValue(), out);
  }
}
