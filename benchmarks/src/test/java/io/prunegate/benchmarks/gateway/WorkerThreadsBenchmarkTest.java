package io.prunegate.benchmarks.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prunegate.gateway.fixtures.TestBundles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One inference worker with 2 engine threads against two workers with 1 thread each (the engine's
 * thread count is fixed per JVM, so each runs in its own child JVM), alternated twice on SST-2 dev
 * sentences; prints both. Quality profile (needs PRUNEGATE_DATA).
 */
@Tag("quality")
class WorkerThreadsBenchmarkTest {

  @Test
  void oneWorkerWithTwoThreadsAgainstTwoWorkersWithOne(@TempDir Path dir) throws Exception {
    TestBundles b = TestBundles.create();
    Path bundle;
    try {
      bundle = b.bundle(dir.resolve("bundle"), "bench", 0.9);
    } finally {
      b.model().close();
    }
    Path texts = GatewayBenchmarkTest.sst2Dev();
    Map<String, List<String>> lines = new LinkedHashMap<>();
    int[][] configs = {{1, 2}, {2, 1}, {1, 2}, {2, 1}};
    for (int[] c : configs) {
      String line = runChild(bundle, texts, c[0], c[1]);
      System.out.println(line + " (2-core dev machine, shared)");
      lines.computeIfAbsent(c[0] + "x" + c[1], k -> new ArrayList<>()).add(line);
    }
    assertEquals(2, lines.get("1x2").size());
    assertEquals(2, lines.get("2x1").size());
  }

  private static String runChild(Path bundle, Path texts, int workers, int threads)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    for (String p : List.of("ai.djl.offline", "DJL_CACHE_DIR", "prunegate.cache")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            WorkerThreadsBenchmark.class.getName(),
            "--bundle",
            bundle.toString(),
            "--texts",
            texts.toString(),
            "--workers",
            String.valueOf(workers),
            "--threads",
            String.valueOf(threads),
            "--seconds",
            "20"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("MALLOC_MMAP_THRESHOLD_", "33554432");
    pb.environment().put("MALLOC_TRIM_THRESHOLD_", "1073741824");
    Process p = pb.start();
    String result = null;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("THREADS ")) {
          result = line;
        }
      }
    }
    assertEquals(0, p.waitFor());
    if (result == null) {
      throw new AssertionError("no THREADS line from the child");
    }
    return result;
  }
}
