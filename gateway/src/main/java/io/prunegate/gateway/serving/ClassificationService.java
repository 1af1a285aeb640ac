package io.prunegate.gateway.serving;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.ClassificationResult;
import io.prunegate.events.ModelRef;
import io.prunegate.events.ResultStatus;
import io.prunegate.gateway.batching.BatchScheduler;
import io.prunegate.gateway.batching.InflightLimit;
import io.prunegate.gateway.batching.PendingRequest;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.drift.DriftMonitor;
import io.prunegate.gateway.drift.PredictionJournal;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.routing.Route;
import io.prunegate.gateway.routing.Router;
import io.prunegate.gateway.routing.ShadowAgreement;
import io.prunegate.gateway.variant.LoadedVariant;
import java.util.concurrent.CompletableFuture;

/**
 * The transport-neutral entry of the gateway: Kafka and HTTP both submit decoded requests here and
 * get a future answer. A request past its deadline is answered {@code expired} at once; otherwise
 * it is routed ({@link Router}), admitted ({@link InflightLimit}), queued on its variant, and
 * copied to the shadow when the route says so (the in-memory {@link ShadowAgreement} gauge compares
 * the two; the Kafka path also publishes the shadow's answer). Answers are recorded in the metrics
 * and, when ok, in the prediction journal that feedback is joined with. Answers come back only
 * through the request's future: the inference side never calls into the service.
 */
public final class ClassificationService {

  public static final String KAFKA = "kafka";
  public static final String HTTP = "http";

  private static final int ROUTE_ATTEMPTS = 5;

  private final Router router;
  private final BatchScheduler<LoadedVariant> scheduler;
  private final InflightLimit limit;
  private final GatewayMetrics metrics;
  private final ShadowAgreement agreement;
  private final PredictionJournal journal;
  private final GatewayConfig.Routing routing;

  public ClassificationService(
      Router router,
      BatchScheduler<LoadedVariant> scheduler,
      InflightLimit limit,
      GatewayMetrics metrics,
      ShadowAgreement agreement,
      DriftMonitor drift,
      GatewayConfig.Routing routing) {
    this.router = router;
    this.scheduler = scheduler;
    this.limit = limit;
    this.metrics = metrics;
    this.agreement = agreement;
    this.journal = drift.journal();
    this.routing = routing;
  }

  public Router router() {
    return router;
  }

  public InflightLimit limit() {
    return limit;
  }

  /**
   * A submitted request's answer and, when it was copied to the shadow, the shadow's answer (null
   * otherwise): the Kafka path publishes both.
   */
  public record Submission(
      CompletableFuture<ClassificationResult> answer,
      CompletableFuture<ClassificationResult> shadowAnswer) {}

  /**
   * Submits a request; see {@link #submitWithShadow}. Only the answer comes back (HTTP does not
   * publish shadow answers).
   */
  public CompletableFuture<ClassificationResult> submit(
      ClassificationRequest req, String transport, long receivedNanos, boolean force) {
    return submitWithShadow(req, transport, receivedNanos, force).answer();
  }

  /**
   * Submits a request.
   *
   * @param transport {@link #KAFKA} or {@link #HTTP}, for metrics
   * @param receivedNanos {@link System#nanoTime()} at receipt (latency is measured from it)
   * @param force admit even when the queue is full (what a Kafka consumer already polled)
   * @throws OverloadedException when not forced and the admission queue is full
   */
  public Submission submitWithShadow(
      ClassificationRequest req, String transport, long receivedNanos, boolean force) {
    if (req.deadlineMs() != null && req.deadlineMs() < System.currentTimeMillis()) {
      return answered(
          Answers.refused(
              req, ResultStatus.EXPIRED, "deadline passed before processing", receivedNanos),
          transport,
          receivedNanos);
    }
    ModelRef ref = req.modelRef();
    Route route = router.route(ref, req.recordKey(), req.id());
    if (route instanceof Route.Reject reject) {
      return answered(
          Answers.refused(req, ResultStatus.REJECTED, reject.reason(), receivedNanos),
          transport,
          receivedNanos);
    }
    if (force) {
      limit.acquire();
    } else if (!limit.tryAcquire()) {
      throw new OverloadedException(limit.capacity());
    }
    Route.Serve serve = (Route.Serve) route;
    PendingRequest p =
        new PendingRequest(req, transport, receivedNanos, serve.variantName(), false);
    p.result()
        .whenComplete(
            (res, err) -> {
              limit.release();
              record(p, res);
            });
    if (!enqueue(p, serve)) {
      return new Submission(p.result(), null);
    }
    return new Submission(
        p.result(), serve.shadow() == null ? null : copyToShadow(p, serve.shadow()));
  }

  /** Queues on the routed variant; when it was swapped out meanwhile, routes again. */
  private boolean enqueue(PendingRequest p, Route.Serve serve) {
    Route.Serve current = serve;
    for (int attempt = 0; attempt < ROUTE_ATTEMPTS; attempt++) {
      if (scheduler.submit(current.variant().queue(), p)) {
        return true;
      }
      Route again = router.route(p.request().modelRef(), p.request().recordKey(), p.id());
      if (again instanceof Route.Reject r) {
        p.complete(
            Answers.refused(p.request(), ResultStatus.REJECTED, r.reason(), p.receivedNanos()));
        return false;
      }
      current = (Route.Serve) again;
      p.assign(current.variantName());
    }
    p.complete(
        Answers.refused(
            p.request(),
            ResultStatus.ERROR,
            "no variant took the request (routes kept changing)",
            p.receivedNanos()));
    return false;
  }

  /** The copy's answer, or null when the copy was dropped. */
  private CompletableFuture<ClassificationResult> copyToShadow(
      PendingRequest primary, LoadedVariant shadow) {
    if (scheduler.queued(shadow.queue()) >= routing.shadowQueueLimit()) {
      metrics.shadowDropped(shadow.model());
      return null;
    }
    PendingRequest copy =
        new PendingRequest(
            primary.request(), primary.transport(), primary.receivedNanos(), ModelRef.SHADOW, true);
    if (!scheduler.submit(shadow.queue(), copy)) {
      metrics.shadowDropped(shadow.model());
      return null;
    }
    primary
        .result()
        .thenAcceptBoth(
            copy.result(),
            (a, b) -> {
              if (a.status() == ResultStatus.OK
                  && b.status() == ResultStatus.OK
                  && ModelRef.CHAMPION.equals(a.variant())) {
                agreement.record(a.model(), a.version(), b.version(), a.label(), b.label());
              }
            });
    return copy.result();
  }

  private void record(PendingRequest p, ClassificationResult res) {
    if (res == null) {
      return;
    }
    metrics.answered(res, p.transport(), System.nanoTime() - p.receivedNanos());
    if (res.status() == ResultStatus.OK && res.version() != null) {
      journal.record(
          res.id(),
          new PredictionJournal.Entry(res.model(), res.version(), res.variant(), res.label()));
    }
  }

  private Submission answered(ClassificationResult r, String transport, long receivedNanos) {
    metrics.answered(r, transport, System.nanoTime() - receivedNanos);
    return new Submission(CompletableFuture.completedFuture(r), null);
  }
}
