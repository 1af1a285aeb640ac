package io.prunegate.pruner.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.chip.ChipReport;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.chip.LayerAccuracy;
import io.prunegate.pruner.evaluation.LatencyStats;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.pareto.ParetoTable;
import io.prunegate.pruner.pareto.VariantMetrics;
import io.prunegate.pruner.policy.CompressionPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Both reports' charts on representative data keep every label inside the frame, and the pages are
 * written to {@code target/report-samples} ({@code pareto.html}, {@code chip-report.html}) for a
 * person to look at.
 */
class ReportSamplesTest {

  private static final Path OUT = Path.of("target", "report-samples");

  private static VariantMetrics m(double accuracy, double throughput) {
    return new VariantMetrics(
        accuracy, 100, 1_000_000, 2e7, 10, 12, 320, 330, throughput, OptionalDouble.empty());
  }

  /** The variants of ParetoTableTest: a dominated accepted one, fast and accurate extremes. */
  static ParetoTable pareto() {
    return ParetoTable.compare(
        "tickets",
        1,
        CompressionPolicy.Acceptance.defaults(),
        List.of(
            new ParetoTable.Entry("chip-full", "chip", 2, m(0.90, 100), true),
            new ParetoTable.Entry("chip-truncated", "chip", 3, m(0.895, 200), false),
            new ParetoTable.Entry("chip-early-exit", "chip", 4, m(0.892, 160), false),
            new ParetoTable.Entry("finercut-r50", "finercut", 5, m(0.85, 400), false),
            new ParetoTable.Entry("finercut-r10", "finercut", 6, m(0.91, 120), false)),
        List.of(
            new ParetoTable.Rejected(
                "llm-pruner-r20",
                "llm-pruner",
                "non-finite outputs: the chip at layer 6 produced a non-finite probability")));
  }

  static ChipReport chip() {
    List<LayerAccuracy> curve =
        List.of(
            new LayerAccuracy(1, 0.62, 1.1, 0.60),
            new LayerAccuracy(2, 0.74, 0.8, 0.71),
            new LayerAccuracy(3, 0.86, 0.5, 0.84),
            new LayerAccuracy(4, 0.912, 0.31, 0.9),
            new LayerAccuracy(5, 0.918, 0.29, 0.915),
            new LayerAccuracy(6, 0.921, 0.28, 0.917));
    Map<String, VariantEvaluation> evals = new LinkedHashMap<>();
    evals.put("full", eval(0.917, 6, 100, Double.NaN));
    evals.put("truncated", eval(0.9, 4, 150, Double.NaN));
    evals.put("early-exit", eval(0.905, 4.3, 140, 4.3));
    return new ChipReport(
        "all-MiniLM-L6-v2",
        Pooling.MEAN,
        ChipTuningOptions.defaults(),
        curve,
        300,
        4,
        6,
        evals,
        "test",
        Map.of(4, 0.9));
  }

  private static VariantEvaluation eval(double acc, double layers, double tput, double exit) {
    LatencyStats l = new LatencyStats(5, 6, 5.5, 10);
    return new VariantEvaluation(acc, 22_000_000, layers * 1e7, l, l, tput, exit);
  }

  @Test
  void bothChartsKeepTheirLabelsInsideTheFrameAndThePagesAreWritten() throws IOException {
    SvgChartTest.assertLabelsInsideFrame(pareto().chart());
    SvgChartTest.assertLabelsInsideFrame(chip().chart());
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve("pareto.html"), pareto().toHtml(), StandardCharsets.UTF_8);
    Files.writeString(OUT.resolve("chip-report.html"), chip().html(), StandardCharsets.UTF_8);
    String html = Files.readString(OUT.resolve("pareto.html"));
    assertTrue(html.contains("Rejected candidates") && html.contains("llm-pruner-r20"), html);
  }
}
