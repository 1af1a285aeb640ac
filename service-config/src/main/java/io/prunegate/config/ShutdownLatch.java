package io.prunegate.config;

import java.util.concurrent.CountDownLatch;

/**
 * How every {@code serve} command holds its service until the process is asked to stop (SIGTERM,
 * Ctrl-C): a JVM shutdown hook closes the service, and {@link #await} returns once it has closed.
 * One place for the pattern the registry, pruner, gateway and experiments mains share.
 */
public final class ShutdownLatch {

  private final CountDownLatch stopped = new CountDownLatch(1);

  private ShutdownLatch() {}

  /**
   * Registers a shutdown hook (thread {@code <name>-shutdown}) that runs {@code close} and then
   * releases {@link #await}.
   */
  public static ShutdownLatch closeOnShutdown(String name, Runnable close) {
    ShutdownLatch latch = new ShutdownLatch();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    close.run();
                  } finally {
                    latch.stopped.countDown();
                  }
                },
                name + "-shutdown"));
    return latch;
  }

  /** Waits until the shutdown hook has closed the service. */
  public void await() throws InterruptedException {
    stopped.await();
  }
}
