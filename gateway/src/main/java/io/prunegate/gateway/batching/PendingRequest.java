package io.prunegate.gateway.batching;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.ClassificationResult;
import java.util.concurrent.CompletableFuture;

/**
 * A request admitted for inference: the decoded request, how and when it arrived, the variant name
 * it is served as ({@code champion}, {@code challenger}, {@code pinned}, ...), and the future its
 * answer completes. The first completion wins (a timed-out batch's late answer is dropped).
 */
public final class PendingRequest {

  private final ClassificationRequest request;
  private final String transport;
  private final long receivedNanos;
  private final boolean shadowCopy;
  private final CompletableFuture<ClassificationResult> result = new CompletableFuture<>();
  private volatile String variantName;
  private volatile long enqueuedNanos;
  private volatile int fallbacks;

  public PendingRequest(
      ClassificationRequest request,
      String transport,
      long receivedNanos,
      String variantName,
      boolean shadowCopy) {
    this.request = request;
    this.transport = transport;
    this.receivedNanos = receivedNanos;
    this.variantName = variantName;
    this.shadowCopy = shadowCopy;
  }

  public ClassificationRequest request() {
    return request;
  }

  public String id() {
    return request.id();
  }

  public String text() {
    return request.text();
  }

  /** {@code kafka} or {@code http}. */
  public String transport() {
    return transport;
  }

  /** {@link System#nanoTime()} when the gateway received it. */
  public long receivedNanos() {
    return receivedNanos;
  }

  /** {@link System#nanoTime()} when it joined its current queue. */
  public long enqueuedNanos() {
    return enqueuedNanos;
  }

  void enqueuedAt(long nanos) {
    this.enqueuedNanos = nanos;
  }

  /** The name the answer carries in its {@code variant} field. */
  public String variantName() {
    return variantName;
  }

  /** True for the copy sent to a shadow variant: its answer is recorded, never returned. */
  public boolean isShadowCopy() {
    return shadowCopy;
  }

  /** Sets the variant name after routing again (its variant was swapped out before it queued). */
  public void assign(String newVariantName) {
    this.variantName = newVariantName;
  }

  /** Moves the request to another variant (fallback after a failure). */
  public void reroute(String newVariantName) {
    this.variantName = newVariantName;
    this.fallbacks++;
  }

  /** How often it fell back to another variant. */
  public int fallbacks() {
    return fallbacks;
  }

  /** Completes the answer; false when it was answered already. */
  public boolean complete(ClassificationResult r) {
    return result.complete(r);
  }

  public boolean isDone() {
    return result.isDone();
  }

  /** The answer. */
  public CompletableFuture<ClassificationResult> result() {
    return result;
  }

  /** Latency so far in milliseconds, from receipt. */
  public double elapsedMillis(long nowNanos) {
    return (nowNanos - receivedNanos) / 1e6;
  }

  /** Length used to group requests of similar size into one batch (characters, bounded). */
  public int lengthHint() {
    return Math.min(request.text().length(), 1 << 16);
  }

  /** True when its deadline lies before {@code nowMillis} (epoch milliseconds). */
  public boolean expired(long nowMillis) {
    Long d = request.deadlineMs();
    return d != null && d < nowMillis;
  }
}
