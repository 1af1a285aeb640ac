package io.prunegate.pruner.pareto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.registry.RegistryJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drop, speedup, acceptance, Pareto optimality and the best pick, on hand-computed values. */
class ParetoTableTest {

  private static VariantMetrics m(double accuracy, double throughput) {
    return new VariantMetrics(
        accuracy, 100, 1_000_000, 2e7, 10, 12, 320, 330, throughput, OptionalDouble.empty());
  }

  private static final List<ParetoTable.Entry> ENTRIES =
      List.of(
          new ParetoTable.Entry("chip-full", "chip", 2, m(0.90, 100), true),
          // 0.5 points lost at 2.0x: accepted, Pareto-optimal
          new ParetoTable.Entry("chip-truncated", "chip", 3, m(0.895, 200), false),
          // 0.8 points lost at 1.6x: accepted, but dominated by chip-truncated
          new ParetoTable.Entry("chip-early-exit", "chip", 4, m(0.892, 160), false),
          // 5 points lost at 4x: fast but rejected; Pareto-optimal (nothing is faster)
          new ParetoTable.Entry("finercut-r50", "finercut", 5, m(0.85, 400), false),
          // better than baseline at 1.2x: too slow for the rule; Pareto-optimal (most accurate)
          new ParetoTable.Entry("finercut-r10", "finercut", 6, m(0.91, 120), false));

  @Test
  void comparesEveryVariantWithTheBaseline() {
    ParetoTable t =
        ParetoTable.compare("tickets", 1, CompressionPolicy.Acceptance.defaults(), ENTRIES);
    ParetoTable.Row full = t.rows().get(0);
    assertEquals(0.0, full.accuracyDropPoints(), 1e-12);
    assertEquals(1.0, full.speedup(), 1e-12);
    assertFalse(full.accepted(), "the baseline is never a candidate for promotion");
    assertFalse(full.paretoOptimal(), "dominated by finercut-r10 (more accurate and faster)");

    ParetoTable.Row trunc = t.rows().get(1);
    assertEquals(0.5, trunc.accuracyDropPoints(), 1e-9);
    assertEquals(2.0, trunc.speedup(), 1e-12);
    assertTrue(trunc.accepted());
    assertTrue(trunc.paretoOptimal());

    ParetoTable.Row exit = t.rows().get(2);
    assertEquals(0.8, exit.accuracyDropPoints(), 1e-9);
    assertEquals(1.6, exit.speedup(), 1e-12);
    assertTrue(exit.accepted());
    assertFalse(exit.paretoOptimal());

    ParetoTable.Row r50 = t.rows().get(3);
    assertEquals(5.0, r50.accuracyDropPoints(), 1e-9);
    assertFalse(r50.accepted());
    assertTrue(r50.paretoOptimal());

    ParetoTable.Row r10 = t.rows().get(4);
    assertEquals(-1.0, r10.accuracyDropPoints(), 1e-9);
    assertEquals(1.2, r10.speedup(), 1e-12);
    assertFalse(r10.accepted());
    assertTrue(r10.paretoOptimal());

    assertEquals("chip-truncated", t.best().orElseThrow().variant());
    assertEquals(3, t.best().orElseThrow().version());
  }

  @Test
  void noBestWhenNothingMeetsTheRule() {
    ParetoTable t =
        ParetoTable.compare(
            "tickets", 1, new CompressionPolicy.Acceptance(0.1, 1.5), ENTRIES.subList(0, 3));
    assertTrue(t.best().isEmpty());
  }

  @Test
  void aPairedMeasurementDecidesTheSpeedupAndSoTheAcceptance() {
    // Measured alone, the candidate looked no faster (100/s both, a loaded machine); timed in
    // alternating rounds against the baseline it is 1.8x: the paired ratio is the one used.
    List<ParetoTable.Entry> entries =
        List.of(
            new ParetoTable.Entry("chip-full", "chip", 2, m(0.90, 100), true),
            new ParetoTable.Entry("chip-d4", "chip", 3, m(0.898, 100), false, 1.8),
            new ParetoTable.Entry("chip-d2", "chip", 4, m(0.897, 300), false, 1.2));
    ParetoTable t =
        ParetoTable.compare("tickets", 1, new CompressionPolicy.Acceptance(1.0, 1.5), entries);
    assertEquals(1.8, t.rows().get(1).speedup(), 1e-12);
    assertTrue(t.rows().get(1).accepted());
    assertEquals(1.2, t.rows().get(2).speedup(), 1e-12);
    assertFalse(t.rows().get(2).accepted(), "3x alone, 1.2x paired: not accepted");
    assertEquals("chip-d4", t.best().orElseThrow().variant());
  }

  @Test
  void needsABaseline() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ParetoTable.compare(
                "tickets", 1, CompressionPolicy.Acceptance.defaults(), ENTRIES.subList(1, 3)));
  }

  @Test
  void writesJsonAndHtml(@TempDir Path dir) throws Exception {
    ParetoTable t =
        ParetoTable.compare("tickets", 1, CompressionPolicy.Acceptance.defaults(), ENTRIES);
    List<Path> files = t.write(dir);
    assertEquals(List.of(dir.resolve("pareto.json"), dir.resolve("pareto.html")), files);
    JsonNode json = RegistryJson.parse(Files.readAllBytes(files.get(0)));
    assertEquals("tickets", json.get("model").asText());
    assertEquals("chip-truncated", json.get("best").asText());
    assertEquals(5, json.get("variants").size());
    JsonNode r50 = json.get("variants").get(3);
    assertEquals("finercut-r50", r50.get("variant").asText());
    assertEquals(4.0, r50.get("speedup").asDouble(), 1e-12);
    assertEquals(0.85, r50.get("metrics").get("accuracy").asDouble(), 1e-12);
    String html = Files.readString(files.get(1));
    assertTrue(html.contains("<svg"), "has the scatter plot");
    for (ParetoTable.Entry e : ENTRIES) {
      assertTrue(html.contains(e.variant()), e.variant());
    }
    assertTrue(html.contains("Best: <b>chip-truncated</b>"));
  }

  @Test
  void metricsRoundTripThroughTheRegistryMap() {
    VariantMetrics with =
        new VariantMetrics(0.9, 100, 5, 1e6, 1, 2, 3, 4, 5, OptionalDouble.of(3.5));
    assertEquals(with, VariantMetrics.fromMap(with.toMap()));
    VariantMetrics without = m(0.5, 10);
    assertEquals(without, VariantMetrics.fromMap(without.toMap()));
    assertFalse(without.toMap().containsKey("mean_exit_layer"));
  }
}
