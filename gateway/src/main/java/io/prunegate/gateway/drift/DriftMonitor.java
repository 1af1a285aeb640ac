package io.prunegate.gateway.drift;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.prunegate.events.Feedback;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.metrics.GatewayMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live accuracy and latency drift per variant, exported as gauges. Accuracy: each {@link Feedback}
 * is joined by request id with the answer in the {@link PredictionJournal} and scored into the
 * sliding window of the (model, version, variant) that answered ({@code
 * prunegate_gateway_live_accuracy}). Latency: well-filled batches feed a {@link LatencyDrift} per
 * version ({@code prunegate_gateway_latency_drift_ratio}, plus the baseline and current medians
 * and, when the bundle manifest measured one, its batch-32 per-example figure for reference).
 */
public final class DriftMonitor {

  private final GatewayMetrics metrics;
  private final GatewayConfig.Drift settings;
  private final int minBatchForLatency;
  private final PredictionJournal journal;
  private final Counter unmatched;
  private final Map<String, SlidingAccuracy> accuracy = new ConcurrentHashMap<>();
  private final Map<String, LatencyDrift> latency = new ConcurrentHashMap<>();

  public DriftMonitor(GatewayMetrics metrics, GatewayConfig.Drift settings, int maxBatchSize) {
    this.metrics = metrics;
    this.settings = settings;
    this.minBatchForLatency = Math.max(1, maxBatchSize / 2);
    this.journal = new PredictionJournal(settings.journalSize());
    this.unmatched =
        Counter.builder("prunegate.gateway.feedback.unmatched")
            .description("labels for ids not in the journal")
            .register(metrics.registry());
  }

  public PredictionJournal journal() {
    return journal;
  }

  /** Scores a label against the journaled answer; false when the id is unknown (or scored). */
  public boolean feedback(Feedback f) {
    PredictionJournal.Entry e = journal.take(f.id());
    if (e == null || (f.model() != null && !f.model().equals(e.model()))) {
      unmatched.increment();
      return false;
    }
    boolean hit = e.label().equals(f.label());
    window(e.model(), e.version(), e.variant()).add(hit);
    Counter.builder("prunegate.gateway.feedback")
        .description("labels joined with answers")
        .tags(
            "model", e.model(),
            "version", String.valueOf(e.version()),
            "variant", e.variant(),
            "correct", String.valueOf(hit))
        .register(metrics.registry())
        .increment();
    return true;
  }

  /** The live-accuracy window of a variant (created on first use). */
  public SlidingAccuracy window(String model, int version, String variant) {
    return accuracy.computeIfAbsent(
        model + "|" + version + "|" + variant,
        k -> {
          SlidingAccuracy w = new SlidingAccuracy(settings.accuracyWindow());
          Gauge.builder("prunegate.gateway.live.accuracy", w, SlidingAccuracy::accuracy)
              .description("accuracy over the last labelled answers")
              .tags("model", model, "version", String.valueOf(version), "variant", variant)
              .register(metrics.registry());
          return w;
        });
  }

  /** Records a batch's latency; batches under half the maximum size are too noisy and skipped. */
  public void batch(String model, int version, int size, long nanos) {
    if (size < minBatchForLatency) {
      return;
    }
    drift(model, version).add(nanos / 1e6 / size);
  }

  /** Registers the manifest's measured per-example latency at batch 32, for reference. */
  public void manifestLatency(String model, int version, double msPerExample) {
    Gauge.builder("prunegate.gateway.latency.per.example", () -> msPerExample / 1000)
        .description("per-example batch latency")
        .baseUnit("seconds")
        .tags("model", model, "version", String.valueOf(version), "window", "manifest")
        .register(metrics.registry());
  }

  /** The latency drift of a version (created on first use). */
  public LatencyDrift drift(String model, int version) {
    return latency.computeIfAbsent(
        model + "|" + version,
        k -> {
          LatencyDrift d = new LatencyDrift(settings.latencyWindow());
          String v = String.valueOf(version);
          Gauge.builder("prunegate.gateway.latency.drift.ratio", d, LatencyDrift::ratio)
              .description("current / baseline per-example batch latency")
              .tags("model", model, "version", v)
              .register(metrics.registry());
          Gauge.builder("prunegate.gateway.latency.per.example", d, x -> x.baselineMs() / 1000)
              .description("per-example batch latency")
              .baseUnit("seconds")
              .tags("model", model, "version", v, "window", "baseline")
              .register(metrics.registry());
          Gauge.builder("prunegate.gateway.latency.per.example", d, x -> x.currentMs() / 1000)
              .description("per-example batch latency")
              .baseUnit("seconds")
              .tags("model", model, "version", v, "window", "current")
              .register(metrics.registry());
          return d;
        });
  }
}
