package io.prunegate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prunegate.events.ClassificationResult;
import io.prunegate.events.ModelRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The gateway's meters, in Prometheus naming (Micrometer's {@code a.b.c} becomes {@code a_b_c},
 * timers gain {@code _seconds}, counters {@code _total}). One method per event the gateway records,
 * so that names and tag keys live in one place; {@link #scrape()} serves {@code GET /metrics}.
 *
 * <p>Meters: {@code prunegate_gateway_request_duration_seconds} (model, version, variant, outcome,
 * transport), {@code _requests_total} (same tags), {@code _queue_duration_seconds}, {@code
 * _batch_size}, {@code _batch_duration_seconds} (model, version), {@code _early_exits_total}
 * (model, version, layer), {@code _model_loads_total} (model, version, outcome), {@code
 * _model_load_duration_seconds}, {@code _model_swaps_total} (model, alias), {@code _dlq_total}
 * (reason), {@code _fallbacks_total}, {@code _shadow_dropped_total}, {@code _consumer_lag} (topic,
 * partition), {@code _inflight_requests}, {@code _consumer_paused}, {@code _variants_loaded}
 * (model, version, alias) and the shadow and drift gauges registered by their owners;
 * Resilience4j's circuit-breaker meters are bound to the same registry.
 */
public final class GatewayMetrics {

  private static final String P = "prunegate.gateway.";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** The {@code model} label of requests for a model this gateway does not serve. */
  public static final String UNSERVED_MODEL = "_unserved";

  // Micrometer holds a function counter's object weakly: a method reference passed to count()
  // would be collected and the counter read NaN. Held here for the registry's lifetime.
  private final List<Object> countSources = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final MultiGauge consumerLag;
  private final MultiGauge variantsLoaded;
  // Models with a loaded version: the only values a request's model label takes, since request
  // names are untrusted input and each new label value would add a histogram's worth of series.
  private volatile Set<String> servedModels = Set.of();

  public GatewayMetrics() {
    consumerLag =
        MultiGauge.builder(P + "consumer.lag")
            .description("records behind the end of each assigned requests partition")
            .register(registry);
    variantsLoaded =
        MultiGauge.builder(P + "variants.loaded")
            .description("1 per alias bound to a loaded model version")
            .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * One answered request (any outcome). A request for a model that is not served is counted under
   * {@code model="}{@value #UNSERVED_MODEL}{@code "}, so untrusted names cannot create series.
   */
  public void answered(ClassificationResult r, String transport, long durationNanos) {
    Tags tags =
        Tags.of(
            "model",
            servedModels.contains(r.model()) ? r.model() : UNSERVED_MODEL,
            "version",
            r.version() == null ? "none" : r.version().toString(),
            "variant",
            r.variant() == null ? "none" : r.variant(),
            "outcome",
            r.status().wireName(),
            "transport",
            transport);
    Timer.builder(P + "request.duration")
        .description("time from receipt to answer")
        .tags(tags)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(Duration.ofNanos(durationNanos));
    Counter.builder(P + "requests")
        .description("answered requests")
        .tags(tags)
        .register(registry)
        .increment();
  }

  /** A request's wait in its variant's queue before its batch started. */
  public void queued(String model, int version, long waitNanos) {
    Timer.builder(P + "queue.duration")
        .description("time a request waited in its variant's queue")
        .tags("model", model, "version", String.valueOf(version))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(Duration.ofNanos(waitNanos));
  }

  /** A batch run on a variant. */
  public void batch(String model, int version, int size, long durationNanos) {
    DistributionSummary.builder(P + "batch.size")
        .description("requests per batch")
        .tags("model", model, "version", String.valueOf(version))
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
        .register(registry)
        .record(size);
    Timer.builder(P + "batch.duration")
        .description("inference time of a batch (tokenize, forward, chips)")
        .tags("model", model, "version", String.valueOf(version))
        .register(registry)
        .record(Duration.ofNanos(durationNanos));
  }

  /** An answer given by the chip after {@code layer} layers. */
  public void exit(String model, int version, int layer) {
    Counter.builder(P + "early.exits")
        .description("answers by the layer whose chip gave them")
        .tags("model", model, "version", String.valueOf(version), "layer", String.valueOf(layer))
        .register(registry)
        .increment();
  }

  /** A model version load attempt ({@code success} or {@code failure}). */
  public void load(String model, int version, String outcome, long durationNanos) {
    Counter.builder(P + "model.loads")
        .description("model version loads by outcome")
        .tags("model", model, "version", String.valueOf(version), "outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder(P + "model.load.duration")
        .description("download, verify, load and warm up of a version")
        .tags("model", model, "outcome", outcome)
        .register(registry)
        .record(Duration.ofNanos(durationNanos));
  }

  /** An alias now routes to another version. */
  public void swap(String model, String alias) {
    Counter.builder(P + "model.swaps")
        .description("route switches to another version")
        .tags("model", model, "alias", alias)
        .register(registry)
        .increment();
  }

  /** A request record sent to the dead-letter topic. */
  public void deadLettered(String reason) {
    Counter.builder(P + "dlq")
        .description("records dead-lettered by reason")
        .tags("reason", reason)
        .register(registry)
        .increment();
  }

  /** A request moved from a failing variant to the champion. */
  public void fallback(String model, String fromVariant) {
    fallbackCounter(model, fromVariant).increment();
  }

  private Counter fallbackCounter(String model, String fromVariant) {
    return Counter.builder(P + "fallbacks")
        .description("requests moved to the champion after their variant failed")
        .tags("model", model, "from", fromVariant)
        .register(registry);
  }

  /** A shadow copy dropped because the shadow's queue was full. */
  public void shadowDropped(String model) {
    shadowDroppedCounter(model).increment();
  }

  private Counter shadowDroppedCounter(String model) {
    return Counter.builder(P + "shadow.dropped")
        .description("shadow copies dropped (shadow queue full)")
        .tags("model", model)
        .register(registry);
  }

  /** Registers a cumulative count read from {@code value} (exposed as {@code <name>_total}). */
  public void count(String name, String description, Supplier<Number> value, String... tags) {
    countSources.add(value);
    FunctionCounter.builder(P + name, value, v -> v.get().doubleValue())
        .description(description)
        .tags(tags)
        .register(registry);
  }

  /** Registers a gauge read from {@code value}. */
  public void gauge(String name, String description, Supplier<Number> value, String... tags) {
    Gauge.builder(P + name, value).description(description).tags(tags).register(registry);
  }

  /** Replaces the consumer-lag rows: records behind, by "topic-partition" string. */
  public void consumerLag(Map<String, Long> lagByPartition) {
    consumerLag.register(
        lagByPartition.entrySet().stream()
            .map(
                e -> {
                  String tp = e.getKey();
                  int dash = tp.lastIndexOf('-');
                  return MultiGauge.Row.of(
                      Tags.of("topic", tp.substring(0, dash), "partition", tp.substring(dash + 1)),
                      e.getValue());
                })
            .toList(),
        true);
  }

  /** Replaces the loaded-variant rows: one per (model, version, alias). */
  public void variantsLoaded(List<String[]> modelVersionAlias) {
    servedModels =
        modelVersionAlias.stream().map(r -> r[0]).collect(Collectors.toUnmodifiableSet());
    // the documented per-model counters exist (at 0) from the first load, not from their first
    // event
    for (String model : servedModels) {
      fallbackCounter(model, ModelRef.CHALLENGER);
      shadowDroppedCounter(model);
    }
    variantsLoaded.register(
        modelVersionAlias.stream()
            .map(r -> MultiGauge.Row.of(Tags.of("model", r[0], "version", r[1], "alias", r[2]), 1))
            .toList(),
        true);
  }
}
