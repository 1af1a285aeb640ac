package io.prunegate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends a child process the signal Ctrl-C sends (SIGINT), or SIGTERM where SIGINT cannot reach it:
 * a shell without job control starts background commands with SIGINT ignored, children inherit
 * that, and a JVM never handles a signal it was started ignoring, so a SIGINT test run from such a
 * shell would wait for a process that never stops. SIGTERM runs the same shutdown hooks.
 */
public final class InterruptSignal {

  private static final long SIGINT_BIT = 1L << (2 - 1);

  private InterruptSignal() {}

  /** Whether this process ignores SIGINT (Linux: the SigIgn mask of /proc/self/status). */
  public static boolean sigintIgnored() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & SIGINT_BIT) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: nothing says SIGINT is ignored
    }
    return false;
  }

  /** The signal {@link #send} uses in this process: {@code INT}, or {@code TERM} (see above). */
  public static String name() {
    return sigintIgnored() ? "TERM" : "INT";
  }

  /** Sends that signal to {@code process} and returns its name. */
  public static String send(Process process) throws IOException, InterruptedException {
    String name = name();
    int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited " + rc);
    }
    return name;
  }
}
