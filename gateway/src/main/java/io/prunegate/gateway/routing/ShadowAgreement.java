package io.prunegate.gateway.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.prunegate.gateway.metrics.GatewayMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How often the shadow variant gives the champion's label, per (model, champion version, shadow
 * version): {@code prunegate_gateway_shadow_comparisons_total{agree="true|false"}} and the ratio
 * {@code prunegate_gateway_shadow_agreement} since the pair first met.
 */
public final class ShadowAgreement {

  private final GatewayMetrics metrics;
  private final Map<String, Pair> pairs = new ConcurrentHashMap<>();

  public ShadowAgreement(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  /** Records one comparison of the champion's and the shadow's labels for the same request. */
  public void record(
      String model, int championVersion, int shadowVersion, String championLabel, String label) {
    String id = model + "|" + championVersion + "|" + shadowVersion;
    Pair p = pairs.computeIfAbsent(id, k -> new Pair(model, championVersion, shadowVersion));
    boolean agree = championLabel.equals(label);
    p.total.incrementAndGet();
    if (agree) {
      p.agreed.incrementAndGet();
    }
    Counter.builder("prunegate.gateway.shadow.comparisons")
        .description("champion/shadow label comparisons")
        .tags(p.tags("agree", String.valueOf(agree)))
        .register(metrics.registry())
        .increment();
  }

  /** Agreement ratio so far for the pair, or NaN before any comparison. */
  public double agreement(String model, int championVersion, int shadowVersion) {
    Pair p = pairs.get(model + "|" + championVersion + "|" + shadowVersion);
    return p == null ? Double.NaN : p.ratio();
  }

  /** Comparisons made so far for the pair. */
  public long comparisons(String model, int championVersion, int shadowVersion) {
    Pair p = pairs.get(model + "|" + championVersion + "|" + shadowVersion);
    return p == null ? 0 : p.total.get();
  }

  private final class Pair {
    final String model;
    final int champion;
    final int shadow;
    final AtomicLong total = new AtomicLong();
    final AtomicLong agreed = new AtomicLong();

    Pair(String model, int champion, int shadow) {
      this.model = model;
      this.champion = champion;
      this.shadow = shadow;
      Gauge.builder("prunegate.gateway.shadow.agreement", this, Pair::ratio)
          .description("fraction of shadow answers with the champion's label")
          .tags(tags())
          .register(metrics.registry());
    }

    double ratio() {
      long t = total.get();
      return t == 0 ? Double.NaN : (double) agreed.get() / t;
    }

    String[] tags(String... more) {
      String[] base = {
        "model",
        model,
        "champion_version",
        String.valueOf(champion),
        "shadow_version",
        String.valueOf(shadow)
      };
      String[] out = new String[base.length + more.length];
      System.arraycopy(base, 0, out, 0, base.length);
      System.arraycopy(more, 0, out, base.length, more.length);
      return out;
    }
  }
}
