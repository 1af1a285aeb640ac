package io.prunegate.config;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * What a service command prints when its configuration is refused: {@code <command>: <message>} on
 * stderr and exit code 2 (as for a usage error), not picocli's default stack trace. A refused
 * configuration is an {@link IllegalArgumentException} (a bad value, naming its flag and variable,
 * from {@link ConfigBinder}) or an {@link IllegalStateException} (a combination that cannot serve,
 * such as no write token); their messages already say what to fix. Anything else is a defect and
 * keeps its stack trace (exit code 1).
 */
public final class ConfigErrorHandler implements IExecutionExceptionHandler {

  /** The exit code of a refused configuration, the same as picocli's for a usage error. */
  public static final int EXIT_CODE = CommandLine.ExitCode.USAGE;

  /**
   * Sets this handler on {@code cl} and every subcommand added to it so far; returns {@code cl}.
   */
  public static CommandLine install(CommandLine cl) {
    cl.setExecutionExceptionHandler(new ConfigErrorHandler());
    return cl;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed)
      throws Exception {
    if (!(e instanceof IllegalArgumentException || e instanceof IllegalStateException)) {
      throw e;
    }
    cl.getErr().println(commandAsTyped(cl) + ": " + message(e));
    cl.getErr().flush();
    return EXIT_CODE;
  }

  /** The message, and the cause's where the message does not already carry it. */
  static String message(Throwable e) {
    String m = String.valueOf(e.getMessage());
    Throwable c = e.getCause();
    if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) {
      m += " (" + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
    }
    return m;
  }

  /**
   * The command's path under the names it was added with ({@code prunegate registry serve}), not
   * the names the embedded command lines declare for themselves.
   */
  static String commandAsTyped(CommandLine cl) {
    StringBuilder path = new StringBuilder();
    for (CommandLine c = cl; c != null; c = c.getParent()) {
      String name = c.getCommandName();
      if (c.getParent() != null) {
        for (var e : c.getParent().getSubcommands().entrySet()) {
          if (e.getValue() == c) {
            name = e.getKey();
            break;
          }
        }
      }
      path.insert(0, path.length() == 0 ? name : name + " ");
    }
    return path.toString();
  }
}
