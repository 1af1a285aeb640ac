package io.prunegate.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.ResultStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Untrusted model names in requests do not create metric series. */
class GatewayMetricsTest {

  @Test
  void aCountGivenAsAMethodReferenceSurvivesGarbageCollection() throws Exception {
    GatewayMetrics metrics = new GatewayMetrics();
    java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong(3);
    metrics.count("model.load.failures", "failed loads", failures::get, "scope", "all");
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
    }
    // Micrometer keeps the function weakly; collected, it would read NaN.
    assertTrue(
        metrics.scrape().contains("prunegate_gateway_model_load_failures_total{scope=\"all\"} 3.0"),
        metrics.scrape());
  }

  @Test
  void requestsForUnservedModelsShareOneLabelValue() {
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.variantsLoaded(List.<String[]>of(new String[] {"sentiment", "1", "champion"}));
    metrics.answered(
        ClassificationResult.ok(
            "a", "pos", Map.of("pos", 1.0), "sentiment", 1, "champion", 3, 5, false),
        "kafka",
        5_000_000);
    int before = seriesCount(metrics.scrape());
    for (int i = 0; i < 300; i++) {
      metrics.answered(
          ClassificationResult.failed(
              "r" + i, "no-such-model-" + i, ResultStatus.REJECTED, "not served", 0.1),
          "kafka",
          100_000);
    }
    String scrape = metrics.scrape();
    assertFalse(scrape.contains("no-such-model-"), "request names never become label values");
    assertTrue(scrape.contains("model=\"" + GatewayMetrics.UNSERVED_MODEL + "\""));
    assertTrue(scrape.contains("model=\"sentiment\""));
    int added = seriesCount(scrape) - before;
    // one new label set: requests_total plus the duration histogram's buckets, count and sum
    assertTrue(added < 100, "300 unknown names added " + added + " series");
    metrics.answered(
        ClassificationResult.failed("x", "other", ResultStatus.REJECTED, "not served", 0.1),
        "kafka",
        100_000);
    assertEquals(seriesCount(scrape), seriesCount(metrics.scrape()), "a further name adds none");
  }

  private static int seriesCount(String scrape) {
    return (int) scrape.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
  }
}
