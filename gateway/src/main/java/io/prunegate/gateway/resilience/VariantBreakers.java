package io.prunegate.gateway.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.variant.VariantKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Resilience4j circuit breaker per loaded variant, counting batches: when too many of a
 * variant's batches fail (or time out), its breaker opens and routing sends its traffic to the
 * champion until the breaker's probes succeed again. Breaker state and calls are exported through
 * Resilience4j's Micrometer binding ({@code resilience4j_circuitbreaker_*}, tag {@code name =
 * model:version}).
 */
public final class VariantBreakers {

  private static final Logger LOG = LoggerFactory.getLogger(VariantBreakers.class);

  private final CircuitBreakerRegistry registry;

  public VariantBreakers(GatewayConfig.Resilience settings, GatewayMetrics metrics) {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .failureRateThreshold(settings.failureRateThreshold())
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(settings.slidingWindow())
            .minimumNumberOfCalls(settings.minimumCalls())
            .waitDurationInOpenState(settings.openDuration())
            .permittedNumberOfCallsInHalfOpenState(2)
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .build();
    this.registry = CircuitBreakerRegistry.of(config);
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(metrics.registry());
  }

  /** A fresh breaker for a newly loaded variant (replacing any left from an earlier load). */
  public CircuitBreaker create(VariantKey key) {
    registry.remove(key.toString());
    CircuitBreaker cb = registry.circuitBreaker(key.toString());
    cb.getEventPublisher()
        .onStateTransition(
            e ->
                LOG.warn(
                    "circuit breaker variant={} transition={}",
                    key,
                    e.getStateTransition().toString()));
    return cb;
  }

  /** Forgets the breaker of a closed variant (its meters go with it). */
  public void remove(VariantKey key) {
    registry.remove(key.toString());
  }
}
