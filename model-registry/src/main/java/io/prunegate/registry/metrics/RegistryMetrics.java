package io.prunegate.registry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prunegate.registry.JobState;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The registry's meters, in Prometheus naming (Micrometer's {@code a.b.c} becomes {@code a_b_c},
 * timers gain {@code _seconds}, counters {@code _total}); {@link #scrape()} serves {@code GET
 * /api/v1/metrics}. Meters: {@code prunegate_registry_http_request_duration_seconds} (route
 * template, method, status; a histogram), {@code _http_unmatched_requests_total} (requests no route
 * served, without labels), {@code _artifact_uploaded_bytes_total} and {@code
 * _artifact_downloaded_bytes_total} (artifact bodies on the wire), {@code _outbox_pending} (events
 * Kafka has not acknowledged), {@code _outbox_relayed_total}, {@code _outbox_relay_failures_total}
 * and {@code _jobs} (state); the database pool's {@code hikaricp_connections_*} meters are bound to
 * the same registry. Every label value comes from the route table or a fixed set, never from the
 * request, so no request can add a series.
 */
public final class RegistryMetrics {

  /** The content type of {@link #scrape()}: Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String P = "prunegate.registry.";

  // Fixed buckets, not Micrometer's percentile histogram: about 70 buckets per series times
  // every route and status would be thousands of lines per scrape for a low-traffic service.
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter unmatched;
  private final Counter uploaded;
  private final Counter downloaded;
  // Values read from the database once per scrape (not per gauge read) by the refreshers.
  private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();
  private volatile double outboxPending = Double.NaN;
  private volatile Map<JobState, Double> jobCounts = Map.of();
  private volatile LongSupplier relayedCount = () -> 0;
  private volatile LongSupplier relayFailureCount = () -> 0;

  public RegistryMetrics() {
    unmatched =
        Counter.builder(P + "http.unmatched.requests")
            .description("requests no route served (unknown path, or a method the path lacks)")
            .register(registry);
    uploaded =
        Counter.builder(P + "artifact.uploaded")
            .baseUnit("bytes")
            .description("artifact upload body bytes received, whether stored or refused")
            .register(registry);
    downloaded =
        Counter.builder(P + "artifact.downloaded")
            .baseUnit("bytes")
            .description("artifact body bytes sent (whole blobs and ranges)")
            .register(registry);
  }

  /** The registry the meters live in, for binders such as the database pool's. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The Prometheus text exposition of every meter. Reads the outbox and job counts from the
   * database first, so it blocks: call it off the event loop.
   */
  public String scrape() {
    refreshers.forEach(Runnable::run);
    return registry.scrape();
  }

  /**
   * One answered request of a route: {@code route} is its template ({@code /api/v1/models/{name}}),
   * never the request's path, so that untrusted paths cannot add series.
   */
  public void request(String route, String method, int status, long durationNanos) {
    Timer.builder(P + "http.request.duration")
        .description("time from a request's arrival to the end of its response, by route")
        .tags("route", route, "method", method, "status", String.valueOf(status))
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(durationNanos, TimeUnit.NANOSECONDS);
  }

  /** A request for a path or method no route serves. */
  public void unmatched() {
    unmatched.increment();
  }

  /** Body bytes received by an artifact upload. */
  public void artifactUploaded(long bytes) {
    uploaded.increment(bytes);
  }

  /** Body bytes sent by an artifact download. */
  public void artifactDownloaded(long bytes) {
    downloaded.increment(bytes);
  }

  /**
   * Binds the outbox meters: {@code pending} is read from the database once per scrape (NaN while
   * it cannot be read); {@code relayed} and {@code relayFailures} are the relay's own counts (zero
   * without a relay).
   */
  public void bindOutbox(LongSupplier pending, LongSupplier relayed, LongSupplier relayFailures) {
    refreshers.add(
        () -> {
          try {
            outboxPending = pending.getAsLong();
          } catch (RuntimeException e) {
            // the scrape still answers; health reports the unreachable database
            outboxPending = Double.NaN;
          }
        });
    Gauge.builder(P + "outbox.pending", this, m -> m.outboxPending)
        .description("events in the outbox that Kafka has not acknowledged")
        .strongReference(true)
        .register(registry);
    // Micrometer holds a function counter's state object weakly: a lambda passed as the state
    // would be collected and the counter would read 0, so the state is this object
    relayedCount = relayed;
    relayFailureCount = relayFailures;
    FunctionCounter.builder(P + "outbox.relayed", this, m -> m.relayedCount.getAsLong())
        .description("events the relay published and Kafka acknowledged since start")
        .register(registry);
    FunctionCounter.builder(P + "outbox.relay.failures", this, m -> m.relayFailureCount.getAsLong())
        .description(
            "relay rounds that ended in an error since start (records refused or not"
                + " acknowledged); a broker that is only down shows as a growing outbox_pending")
        .register(registry);
  }

  /**
   * Binds the {@code prunegate_registry_jobs} gauge, one series per state (all present from the
   * start), from counts read from the database once per scrape (NaN while they cannot be read).
   */
  public void bindJobs(Supplier<Map<JobState, Long>> counts) {
    refreshers.add(
        () -> {
          Map<JobState, Double> next = new EnumMap<>(JobState.class);
          try {
            Map<JobState, Long> read = counts.get();
            for (JobState s : JobState.values()) {
              next.put(s, (double) read.getOrDefault(s, 0L));
            }
          } catch (RuntimeException e) {
            for (JobState s : JobState.values()) {
              next.put(s, Double.NaN);
            }
          }
          jobCounts = next;
        });
    for (JobState s : JobState.values()) {
      Gauge.builder(P + "jobs", this, m -> m.jobCounts.getOrDefault(s, Double.NaN))
          .description("compression jobs by state")
          .tags("state", s.wireName())
          .strongReference(true)
          .register(registry);
    }
  }
}
