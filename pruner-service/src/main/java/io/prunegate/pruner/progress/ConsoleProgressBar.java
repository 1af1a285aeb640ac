package io.prunegate.pruner.progress;

import java.io.PrintStream;

/**
 * A one-line progress bar for the CLI, redrawn in place on a terminal and printed at most every 5%
 * when the output is not a terminal (logs, CI).
 */
public final class ConsoleProgressBar implements ProgressListener {

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final String title;
  private final long started = System.nanoTime();
  private int lastPercent = -1;
  private long lastDraw;

  public ConsoleProgressBar(PrintStream out, String title) {
    this(out, title, System.console() != null);
  }

  public ConsoleProgressBar(PrintStream out, String title, boolean terminal) {
    this.out = out;
    this.title = title;
    this.terminal = terminal;
  }

  @Override
  public synchronized void update(double fraction, String message) {
    double f = Math.max(0, Math.min(1, fraction));
    int percent = (int) Math.floor(f * 100);
    long now = System.nanoTime();
    if (terminal) {
      if (percent == lastPercent && now - lastDraw < 200_000_000L && f < 1) {
        return;
      }
      int filled = (int) Math.round(f * WIDTH);
      out.printf(
          "\r%s [%s%s] %3d%% %s %s\033[K",
          title, "#".repeat(filled), ".".repeat(WIDTH - filled), percent, elapsed(now), message);
      if (f >= 1) {
        out.println();
      }
    } else {
      if (percent / 5 == lastPercent / 5 && f < 1) {
        return;
      }
      out.printf("%s %3d%% %s %s%n", title, percent, elapsed(now), message);
    }
    out.flush();
    lastPercent = percent;
    lastDraw = now;
  }

  private String elapsed(long now) {
    long s = (now - started) / 1_000_000_000L;
    return String.format("%d:%02d", s / 60, s % 60);
  }
}
