package io.prunegate.standalone.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The demo's console: one numbered line per step ({@code [3/9] Starting the registry ... 1.2 s}),
 * notes under a step ({@code reusing ...}), and free text (the summary). Everything goes to one
 * stream so the order on screen is the order of events; logs go to stderr.
 */
public final class DemoConsole {

  private final PrintStream out;
  private final int totalSteps;
  private int step;

  /** A console printing to {@code out}, numbering steps out of {@code totalSteps}. */
  public DemoConsole(PrintStream out, int totalSteps) {
    this.out = out;
    this.totalSteps = totalSteps;
  }

  /** Starts the next step; call {@link Step#done} or {@link Step#failed} on the result. */
  public Step begin(String title) {
    step++;
    String prefix = String.format(Locale.ROOT, "[%d/%d] ", step, totalSteps);
    synchronized (this) {
      out.println(prefix + title + " ...");
      out.flush();
    }
    return new Step(prefix, title, System.nanoTime());
  }

  /** An indented note under the current step (cache reuse, what is happening in the background). */
  public synchronized void note(String text) {
    out.println("      " + text);
    out.flush();
  }

  /** Free text, as is. */
  public synchronized void print(String text) {
    out.println(text);
    out.flush();
  }

  /** The stream, for progress bars. */
  public PrintStream stream() {
    return out;
  }

  /** One step in flight. */
  public final class Step {
    private final String prefix;
    private final String title;
    private final long startNanos;

    private Step(String prefix, String title, long startNanos) {
      this.prefix = prefix;
      this.title = title;
      this.startNanos = startNanos;
    }

    /** Prints the step as done, with its wall time and a short result. */
    public void done(String result) {
      line("done", result);
    }

    /** Prints the step as failed. */
    public void failed(String reason) {
      line("FAILED", reason);
    }

    /** Seconds since the step began. */
    public double seconds() {
      return (System.nanoTime() - startNanos) / 1e9;
    }

    private void line(String state, String result) {
      String text =
          String.format(
              Locale.ROOT,
              "%s%s: %s in %.1f s%s",
              prefix,
              title,
              state,
              seconds(),
              result == null || result.isEmpty() ? "" : " (" + result + ")");
      print(text);
    }
  }
}
