package io.prunegate.gateway.inference;

import io.prunegate.events.ModelRef;
import io.prunegate.gateway.batching.BatchScheduler;
import io.prunegate.gateway.batching.PendingRequest;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.routing.Router;
import io.prunegate.gateway.variant.LoadedVariant;
import java.util.Optional;

/**
 * The fallback of a failed batch: a request served by a variant other than its model's champion (a
 * challenger, a pinned version) is queued once on the champion, counted in {@code fallbacks_total};
 * a champion's own failure, or a second one, is answered as an error.
 */
public final class ChampionFallback implements Fallback {

  private final Router router;
  private final BatchScheduler<LoadedVariant> scheduler;
  private final GatewayMetrics metrics;

  public ChampionFallback(
      Router router, BatchScheduler<LoadedVariant> scheduler, GatewayMetrics metrics) {
    this.router = router;
    this.scheduler = scheduler;
    this.metrics = metrics;
  }

  @Override
  public boolean reroute(PendingRequest r, LoadedVariant failed, String reason) {
    if (r.isShadowCopy() || r.fallbacks() > 0) {
      return false;
    }
    Optional<LoadedVariant> champion = router.champion(failed.model());
    if (champion.isEmpty() || champion.get() == failed) {
      return false;
    }
    metrics.fallback(failed.model(), r.variantName());
    r.reroute(ModelRef.CHAMPION);
    return scheduler.submit(champion.get().queue(), r);
  }
}
