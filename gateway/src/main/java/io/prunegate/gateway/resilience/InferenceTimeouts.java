package io.prunegate.gateway.resilience;

import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The inference timeout (a Resilience4j {@link TimeLimiter}): a batch's answer future is raced
 * against the limit on a scheduler thread. The batch itself cannot be interrupted (native code), so
 * a timed-out batch runs to its end while its requests are already answered with an error; its late
 * answers are dropped.
 */
public final class InferenceTimeouts implements AutoCloseable {

  private final TimeLimiter limiter;
  private final ScheduledExecutorService scheduler;

  public InferenceTimeouts(Duration timeout) {
    this.limiter =
        TimeLimiter.of(
            "inference",
            TimeLimiterConfig.custom().timeoutDuration(timeout).cancelRunningFuture(false).build());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gateway-inference-timeouts");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The outcome of {@code work} bounded by the timeout: completes like {@code work}, or with a
   * {@link java.util.concurrent.TimeoutException} when the limit passes first.
   */
  public <T> CompletionStage<T> bound(CompletableFuture<T> work) {
    return limiter.executeCompletionStage(scheduler, () -> work);
  }

  public Duration timeout() {
    return limiter.getTimeLimiterConfig().getTimeoutDuration();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
