package io.prunegate.kafka.embedded;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker in a child JVM that a test can kill with SIGKILL and start again on the same data
 * directory and ports: what crash and outage tests need. The child runs {@link BrokerMain} on this
 * JVM's class path; its output goes to {@code <dataDir>.log}.
 */
public final class ChildProcessKafka implements KafkaBroker {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcessKafka.class);

  private final BrokerSettings settings;
  private final List<String> jvmOptions;
  private Process process;
  private long lastStartupMillis;

  private ChildProcessKafka(BrokerSettings settings, List<String> jvmOptions) {
    this.settings = settings;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  /** Starts a child-JVM broker with the default JVM options and waits until it is ready. */
  public static ChildProcessKafka start(BrokerSettings settings) {
    return start(settings, List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
  }

  /** Starts a child-JVM broker with the given JVM options and waits until it is ready. */
  public static ChildProcessKafka start(BrokerSettings settings, List<String> jvmOptions) {
    ChildProcessKafka broker = new ChildProcessKafka(settings, jvmOptions);
    broker.start();
    return broker;
  }

  /** Starts the child process (again) on the same settings; returns once the broker is ready. */
  public synchronized void start() {
    if (isRunning()) {
      throw new IllegalStateException("broker already running, pid " + process.pid());
    }
    long t0 = System.nanoTime();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BrokerMain.class.getName());
    cmd.add("--data-dir");
    cmd.add(settings.dataDir().toAbsolutePath().toString());
    cmd.add("--port");
    cmd.add(String.valueOf(settings.port()));
    cmd.add("--controller-port");
    cmd.add(String.valueOf(settings.controllerPort()));
    settings
        .overrides()
        .forEach(
            (k, v) -> {
              cmd.add("--set");
              cmd.add(k + "=" + v);
            });
    Path log = logFile();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    try {
      Files.createDirectories(log.getParent());
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start child broker", e);
    }
    Process p = process;
    Thread pump =
        new Thread(() -> pumpOutput(p, log, ready), "kafka-child-" + settings.port() + "-output");
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IllegalStateException("interrupted while starting child broker", e);
    } catch (ExecutionException | TimeoutException e) {
      kill();
      throw new IllegalStateException(
          "child broker did not become ready; see " + log + ": " + e.getMessage(), e);
    }
    lastStartupMillis = (System.nanoTime() - t0) / 1_000_000;
    LOG.info(
        "child Kafka broker pid {} ready on {} in {} ms",
        p.pid(),
        bootstrapServers(),
        lastStartupMillis);
  }

  private static void pumpOutput(Process p, Path log, CompletableFuture<Void> ready) {
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
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
        if (line.startsWith(BrokerMain.READY_MARKER)) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      // the process died; the exit below reports it
    }
    ready.completeExceptionally(
        new IllegalStateException("child broker exited before it was ready"));
  }

  /** Path of the child's output log. */
  public Path logFile() {
    Path dir = settings.dataDir().toAbsolutePath();
    return dir.resolveSibling(dir.getFileName() + ".log");
  }

  /** Kills the child with SIGKILL (no shutdown hooks, no flush) and waits for it to exit. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    waitFor(process);
    LOG.info("child Kafka broker pid {} killed", process.pid());
  }

  /** Stops the child with SIGTERM (clean shutdown) and waits for it to exit. */
  public synchronized void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!waitFor(process)) {
      process.destroyForcibly();
      waitFor(process);
    }
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Pid of the current child process. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("not started");
    }
    return process.pid();
  }

  /** Wall time of the last start, from launch to ready, in milliseconds. */
  public synchronized long lastStartupMillis() {
    return lastStartupMillis;
  }

  @Override
  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  @Override
  public BrokerSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    stop();
  }

  private static boolean waitFor(Process p) {
    try {
      return p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
