package io.prunegate.standalone.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.standalone.PruneGateCli;
import io.prunegate.testing.InterruptSignal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on the whole demo process ({@code prunegate demo}, all services in one JVM) stops it in
 * order and quietly, whatever it is doing: SIGINT while the pruner works and live traffic flows,
 * while the champion is trained, and while it serves after the summary. Each time the process
 * exits, prints {@code Stopped cleanly.} and no ERROR line, exception or stack frame (the registry
 * alone is covered by {@code RegistryShutdownTest}; here the pruner claims jobs and the gateway
 * commits offsets as everything stops). Where this process tree ignores SIGINT the signal is
 * SIGTERM ({@link InterruptSignal}).
 */
class DemoShutdownTest {

  /** A chip-tuning-only policy: the shutdown, not the methods, is under test here. */
  private static final String POLICY =
      "{\"methods\":[{\"method\":\"chip\",\"selection\":\"tolerance=1.0\",\"head\":\"linear\","
          + "\"early_exit\":true,\"ensemble\":1}],\"data\":{\"train\":\"builtin:support-tickets\"}}";

  @TempDir Path dir;

  @Test
  void sigintStopsTheDemoQuietlyWhileItPrunesTrainsAndServes() throws Exception {
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, POLICY);
    Path work = dir.resolve("work");
    // While the pruner job runs (live traffic on the gateway, the pruner heartbeating its lease).
    check("pruning", run(work, policy, false, l -> l.startsWith("      pruner job ")));
    // While the champion's chip is trained (a fresh registry: the earlier job is forgotten).
    check("training", run(work, policy, true, l -> l.startsWith("[7/11]")));
    // Idle after the summary: the pruner polls for jobs, the gateway for records.
    check("serving", run(work, policy, true, l -> l.startsWith("Serving until Ctrl-C")));
  }

  private static void check(String when, List<String> output) {
    String all = String.join("\n", output);
    List<String> bad =
        output.stream()
            .filter(
                l ->
                    l.contains(" ERROR ")
                        || l.startsWith("\tat ")
                        || l.contains("Exception")
                        || l.startsWith("demo failed"))
            .toList();
    assertEquals(List.of(), bad, "SIGINT while " + when + " printed errors:\n" + all);
    assertTrue(output.contains("Stopped cleanly."), "SIGINT while " + when + ":\n" + all);
  }

  /** Runs the demo, sends SIGINT when a line matches {@code signalAt}, returns what it printed. */
  private static List<String> run(Path work, Path policy, boolean fresh, Predicate<String> signalAt)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx3g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PruneGateCli.class.getName());
    cmd.addAll(
        List.of(
            "demo",
            "--work-dir",
            work.toString(),
            "--policy",
            policy.toString(),
            "--registry-port",
            "0",
            "--gateway-port",
            "0",
            "--requests",
            "10",
            "--test-limit",
            "20"));
    if (fresh) {
      cmd.add("--fresh");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    CountDownLatch reached = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                  output.add(l);
                  if (signalAt.test(l)) {
                    reached.countDown();
                  }
                }
              } catch (Exception e) {
                // the process is gone
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      assertTrue(
          reached.await(5, TimeUnit.MINUTES),
          "the demo never got there:\n" + String.join("\n", output));
      // a moment inside the step, so that its work is under way when the signal comes
      Thread.sleep(1500);
      String signal = InterruptSignal.send(p);
      assertTrue(
          p.waitFor(60, TimeUnit.SECONDS),
          "stopped within 60 s of SIG" + signal + ":\n" + String.join("\n", output));
      reader.join(5_000);
    } finally {
      p.destroyForcibly();
    }
    return output;
  }
}
