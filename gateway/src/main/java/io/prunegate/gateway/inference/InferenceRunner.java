package io.prunegate.gateway.inference;

import io.prunegate.events.ResultStatus;
import io.prunegate.gateway.batching.BatchExecutor;
import io.prunegate.gateway.batching.PendingRequest;
import io.prunegate.gateway.drift.DriftMonitor;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.resilience.InferenceTimeouts;
import io.prunegate.gateway.serving.Answers;
import io.prunegate.gateway.variant.LoadedVariant;
import io.prunegate.model.classify.Prediction;
import io.prunegate.model.runtime.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a batch on its variant, on the inference worker that cut it: requests past their deadline
 * are answered {@code expired}; the rest are tokenized together and classified with early exit
 * ({@code TextClassifier}, one NDManager scope per batch), under the variant's circuit breaker and
 * the inference timeout. A failed or timed-out batch counts against the breaker, and its requests
 * go to the {@link Fallback} (the champion, when they were served by another variant), else get an
 * {@code error}. Every answer is built by {@link Answers}.
 */
public final class InferenceRunner implements BatchExecutor<LoadedVariant> {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceRunner.class);

  private final GatewayMetrics metrics;
  private final DriftMonitor drift;
  private final InferenceTimeouts timeouts;
  private final Fallback fallback;
  private final boolean earlyExit;

  public InferenceRunner(
      GatewayMetrics metrics,
      DriftMonitor drift,
      InferenceTimeouts timeouts,
      Fallback fallback,
      boolean earlyExit) {
    this.metrics = metrics;
    this.drift = drift;
    this.timeouts = timeouts;
    this.fallback = fallback;
    this.earlyExit = earlyExit;
  }

  @Override
  public void execute(LoadedVariant variant, List<PendingRequest> batch) {
    long now = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    List<PendingRequest> live = new ArrayList<>(batch.size());
    for (PendingRequest r : batch) {
      if (r.isDone()) {
        continue;
      }
      metrics.queued(variant.model(), variant.version(), now - r.enqueuedNanos());
      if (r.expired(nowMillis)) {
        r.complete(
            Answers.unanswered(
                r, variant, ResultStatus.EXPIRED, "deadline passed while queued", now));
      } else {
        live.add(r);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    if (!variant.breaker().tryAcquirePermission()) {
      fail(variant, live, "circuit breaker of " + variant.key() + " is open");
      return;
    }
    CompletableFuture<List<Prediction>> work = new CompletableFuture<>();
    long t0 = System.nanoTime();
    timeouts
        .bound(work)
        .whenComplete(
            (preds, err) -> {
              long took = System.nanoTime() - t0;
              if (err == null) {
                variant.breaker().onSuccess(took, TimeUnit.NANOSECONDS);
                answer(variant, live, preds, took);
              } else {
                Throwable cause = unwrap(err);
                variant.breaker().onError(took, TimeUnit.NANOSECONDS, cause);
                String reason =
                    cause instanceof TimeoutException
                        ? "inference timed out after " + timeouts.timeout().toMillis() + " ms"
                        : "inference failed: " + cause;
                LOG.warn(
                    "batch failed variant={} size={} reason={}",
                    variant.key(),
                    live.size(),
                    reason);
                fail(variant, live, reason);
              }
            });
    try {
      List<String> texts = live.stream().map(PendingRequest::text).toList();
      TokenBatch tokens = variant.classifier().model().tokenize(texts);
      work.complete(variant.classifier().classify(tokens, earlyExit));
    } catch (Throwable t) {
      work.completeExceptionally(t);
    }
  }

  private void answer(
      LoadedVariant variant, List<PendingRequest> live, List<Prediction> preds, long tookNanos) {
    metrics.batch(variant.model(), variant.version(), live.size(), tookNanos);
    drift.batch(variant.model(), variant.version(), live.size(), tookNanos);
    long now = System.nanoTime();
    for (int i = 0; i < live.size(); i++) {
      Prediction p = preds.get(i);
      metrics.exit(variant.model(), variant.version(), p.exitDepth());
      live.get(i).complete(Answers.classified(live.get(i), variant, p, now));
    }
  }

  private void fail(LoadedVariant variant, List<PendingRequest> live, String reason) {
    long now = System.nanoTime();
    for (PendingRequest r : live) {
      if (!r.isDone() && !fallback.reroute(r, variant, reason)) {
        r.complete(Answers.unanswered(r, variant, ResultStatus.ERROR, reason, now));
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
