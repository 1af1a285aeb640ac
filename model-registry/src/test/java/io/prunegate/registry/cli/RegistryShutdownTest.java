package io.prunegate.registry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.registry.TestRegistry;
import io.prunegate.testing.InterruptSignal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a busy registry stops it quietly: with workers claiming jobs right up to the signal, a
 * SIGINT leaves no ERROR line and no stack trace, every time. H2 used to close the database in its
 * own shutdown hook while requests were still served ("Database is already closed"). Where this
 * process tree ignores SIGINT the signal is SIGTERM ({@link InterruptSignal}).
 */
class RegistryShutdownTest {

  private static final int RUNS = 4;

  @Test
  void sigintOnABusyRegistryPrintsNoError(@TempDir Path dir) throws Exception {
    for (int run = 0; run < RUNS; run++) {
      List<String> output = runAndInterrupt(dir.resolve("data-" + run));
      List<String> bad =
          output.stream()
              .filter(
                  l -> l.contains(" ERROR ") || l.startsWith("\tat ") || l.contains("Exception"))
              .toList();
      assertEquals(List.of(), bad, "run " + run + " printed errors:\n" + String.join("\n", output));
    }
  }

  private static List<String> runAndInterrupt(Path data) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RegistryMain.class.getName());
    cmd.add("serve");
    cmd.add("--port");
    cmd.add("0");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PRUNEGATE_REGISTRY_TOKENS", TestRegistry.TOKEN);
    pb.environment().put("PRUNEGATE_REGISTRY_DATA_DIR", data.toString());
    Process p = pb.start();
    try {
      return interrupt(p);
    } finally {
      p.destroyForcibly();
    }
  }

  private static List<String> interrupt(Process p) throws Exception {
    List<String> output = new CopyOnWriteArrayList<>();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String url = null;
    String line;
    while ((line = in.readLine()) != null) {
      output.add(line);
      if (line.startsWith("registry listening on ")) {
        url = line.substring("registry listening on ".length()).trim();
        break;
      }
    }
    assertTrue(url != null, "the process announced its URL: " + output);
    Thread reader =
        daemon(
            () -> {
              try {
                String l;
                while ((l = in.readLine()) != null) {
                  output.add(l);
                }
              } catch (Exception e) {
                // the process is gone
              }
            });
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI claim = URI.create(url + "/api/v1/jobs/claim");
    AtomicInteger claims = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      String worker = "w" + w;
      workers.add(
          daemon(
              () -> {
                while (p.isAlive()) {
                  try {
                    http.send(
                        HttpRequest.newBuilder(claim)
                            .header("Authorization", "Bearer " + TestRegistry.TOKEN)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(5))
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    "{\"worker_id\":\"" + worker + "\"}"))
                            .build(),
                        HttpResponse.BodyHandlers.discarding());
                    claims.incrementAndGet();
                  } catch (Exception e) {
                    // refused or reset while the server stops: the client's problem, not a log
                  }
                }
              }));
    }
    while (claims.get() < 50) {
      Thread.sleep(20);
    }
    String signal = InterruptSignal.send(p);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s of SIG" + signal);
    reader.join(5_000);
    for (Thread t : workers) {
      t.join(5_000);
    }
    return output;
  }

  private static Thread daemon(Runnable body) {
    Thread t = new Thread(body);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
