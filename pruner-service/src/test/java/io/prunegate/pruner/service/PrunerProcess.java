package io.prunegate.pruner.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code PrunerMain serve} in a child JVM on this JVM's class path, configured through its
 * environment as in Kubernetes, so a test can SIGKILL it in the middle of a job and start it again.
 * Its output goes to a log file; {@link #start()} returns once it printed {@value
 * PrunerMain#READY_MARKER}.
 */
final class PrunerProcess implements AutoCloseable {

  private final Map<String, String> env;
  private final Path log;
  private Process process;

  PrunerProcess(Map<String, String> env, Path log) {
    this.env = Map.copyOf(env);
    this.log = log;
  }

  /** Starts the child and waits (up to 3 minutes) until it is ready. */
  synchronized void start() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.add("-XX:+UseSerialGC");
    for (String p :
        List.of(
            "ai.djl.offline",
            "DJL_CACHE_DIR",
            "prunegate.cache",
            "ai.djl.pytorch.num_threads",
            "ai.djl.pytorch.num_interop_threads")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PrunerMain.class.getName());
    cmd.add("serve");
    CompletableFuture<Void> ready = new CompletableFuture<>();
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().putAll(env);
      pb.environment().put("MALLOC_MMAP_THRESHOLD_", "33554432");
      pb.environment().put("MALLOC_TRIM_THRESHOLD_", "1073741824");
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process p = process;
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  Writer out =
                      Files.newBufferedWriter(
                          log,
                          StandardCharsets.UTF_8,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.APPEND)) {
                String line;
                while ((line = in.readLine()) != null) {
                  out.write(line);
                  out.write('\n');
                  out.flush();
                  if (line.startsWith(PrunerMain.READY_MARKER)) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                // the process died
              }
              ready.completeExceptionally(new IllegalStateException("pruner exited before ready"));
            },
            "pruner-child-output");
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(3, TimeUnit.MINUTES);
    } catch (Exception e) {
      kill();
      throw new IllegalStateException("child pruner did not become ready; see " + log, e);
    }
  }

  /** SIGKILL: no shutdown hook, nothing reported, the lease simply stops being renewed. */
  synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The child's output so far. */
  String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** SIGTERM, then SIGKILL if it does not stop within 30 s. */
  @Override
  public synchronized void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
