package io.prunegate.model.runtime;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine once per JVM, offline (libtorch comes from the native jar on the
 * class path, nothing downloads), with the requested thread counts: DJL reads them only before the
 * engine starts, so every entry point calls {@link #start(RuntimeOptions)} first.
 */
public final class TorchRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);
  private static Engine engine;

  private TorchRuntime() {}

  /** Starts the engine (first call only; later calls return the running engine). */
  public static synchronized Engine start(RuntimeOptions options) {
    if (engine != null) {
      return engine;
    }
    setIfAbsent("ai.djl.offline", "true");
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", cacheRoot().resolve("djl").toAbsolutePath().toString());
    }
    if (options.threads() > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(options.threads()));
    }
    if (options.interOpThreads() > 0) {
      System.setProperty(
          "ai.djl.pytorch.num_interop_threads", String.valueOf(options.interOpThreads()));
    }
    long t0 = System.nanoTime();
    engine = Engine.getEngine("PyTorch");
    LOG.info(
        "engine={} version={} gpus={} threads={} startMs={}",
        engine.getEngineName(),
        engine.getVersion(),
        engine.getGpuCount(),
        System.getProperty("ai.djl.pytorch.num_threads", "default"),
        (System.nanoTime() - t0) / 1_000_000);
    return engine;
  }

  /** The engine, started with default options when nobody started it before. */
  public static Engine engine() {
    return start(RuntimeOptions.defaults());
  }

  /**
   * PruneGate's cache root: {@code -Dprunegate.cache}, {@code PRUNEGATE_CACHE}, or
   * ~/.cache/prunegate.
   */
  public static Path cacheRoot() {
    String p = System.getProperty("prunegate.cache");
    if (p == null || p.isBlank()) {
      p = System.getenv("PRUNEGATE_CACHE");
    }
    if (p == null || p.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".cache", "prunegate");
    }
    return Path.of(p);
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
