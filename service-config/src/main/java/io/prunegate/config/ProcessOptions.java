package io.prunegate.config;

/**
 * The variables every PruneGate process (or its launcher) reads outside a service's own table: the
 * cache root, the log level and the launcher's JVM options. They are read where they act (model
 * loading, logback, the {@code ./prunegate} script), so nothing binds this table; it exists so that
 * they are declared and documented once, like every other option ({@code docs/architecture.md},
 * section Configuration, is generated from it).
 */
public final class ProcessOptions {

  /** The process-wide variables. */
  public static final OptionTable TABLE = OptionTable.of("process");

  public static final Option<java.nio.file.Path> CACHE =
      Option.define("cache root", ValueGrammar.PATH)
          .env("PRUNEGATE_CACHE")
          .shownDefault("`~/.cache/prunegate`")
          .doc("cache root (imported models, libtorch); `-Dprunegate.cache` wins over it")
          .in(TABLE);

  public static final Option<String> LOG_LEVEL =
      Option.define("log level", ValueGrammar.STRING)
          .env("PRUNEGATE_LOG_LEVEL")
          .byDefault("INFO")
          .doc("level of the `io.prunegate` loggers (logback)")
          .in(TABLE);

  public static final Option<String> JAVA_OPTS =
      Option.define("java options", ValueGrammar.STRING)
          .env("PRUNEGATE_JAVA_OPTS")
          .byDefault("-Xmx6g")
          .doc("JVM options the `./prunegate` launcher passes to `java`")
          .in(TABLE);

  private ProcessOptions() {}
}
