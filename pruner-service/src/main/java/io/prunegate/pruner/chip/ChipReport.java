package io.prunegate.pruner.chip;

import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.report.SvgChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chip-tuning report: one self-contained HTML page with the accuracy-per-layer curve as an
 * inline SVG chart (validation, and test when there is one), the chosen layer, the per-layer table,
 * and the accuracy and speed of the truncated and early-exit variants against the full-depth chip.
 *
 * @param model the backbone (name or directory)
 * @param pooling the pooling the chips read
 * @param options the run's options
 * @param curve the per-layer accuracies
 * @param validationSize validation examples behind each accuracy (for the 95% intervals)
 * @param chosen the chosen layer
 * @param best the best layer on validation
 * @param evaluations variant evaluations by key (full, truncated, early-exit)
 * @param evaluatedOn the dataset the evaluations' accuracy is on
 * @param thresholds the early-exit thresholds by depth
 */
public record ChipReport(
    String model,
    Pooling pooling,
    ChipTuningOptions options,
    List<LayerAccuracy> curve,
    int validationSize,
    int chosen,
    int best,
    Map<String, VariantEvaluation> evaluations,
    String evaluatedOn,
    Map<Integer, Double> thresholds) {

  /** Writes the page to {@code file}. */
  public void write(Path file) {
    try {
      Files.writeString(file, html(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The page. */
  public String html() {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Chip-tuning report</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}")
        .append("th{background:#f4f4f4}tr.chosen td{background:#fff3cd}")
        .append("</style></head><body>\n");
    b.append("<h1>Chip-tuning report</h1>\n<p>Backbone <code>")
        .append(esc(model))
        .append("</code>, ")
        .append(curve.size())
        .append(" layers; ")
        .append(options.head().name().toLowerCase(Locale.ROOT))
        .append(
            options.ensemble() > 1
                ? " chips (ensembles of " + options.ensemble() + " seeds)"
                : " chips")
        .append(" on ")
        .append(pooling.wireName())
        .append(" pooling; selection: ")
        .append(esc(options.selection().describe()))
        .append(".</p>\n<p><b>Chosen layer: ")
        .append(chosen)
        .append("</b> (")
        .append(curve.size() - chosen)
        .append(" of ")
        .append(curve.size())
        .append(" layers removed, ")
        .append(fmt("%.0f%%", 100.0 * (curve.size() - chosen) / curve.size()))
        .append("); best layer on validation: ")
        .append(best)
        .append(".</p>\n");
    b.append(chart().svg());
    // Selection compares these numbers at a 1-point tolerance; the interval shows how much of a
    // difference between layers the validation set can resolve.
    b.append("<h2>Accuracy per layer</h2>\n<p>Validation: ")
        .append(validationSize)
        .append(" examples; the 95% interval is Wilson's for one layer's accuracy.</p>\n")
        .append("<table><tr><th>layer</th><th>validation accuracy</th><th>95% interval</th>")
        .append("<th>validation loss</th><th>test accuracy</th></tr>\n");
    for (LayerAccuracy a : curve) {
      b.append(a.depth() == chosen ? "<tr class=\"chosen\">" : "<tr>")
          .append("<td>")
          .append(a.depth())
          .append("</td><td>")
          .append(fmt("%.4f", a.validationAccuracy()))
          .append("</td><td>")
          .append(interval(a.validationAccuracy(), validationSize))
          .append("</td><td>")
          .append(fmt("%.4f", a.validationLoss()))
          .append("</td><td>")
          .append(Double.isNaN(a.testAccuracy()) ? "-" : fmt("%.4f", a.testAccuracy()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
    b.append("<h2>Variants</h2>\n<p>Accuracy on ")
        .append(esc(evaluatedOn))
        .append("; latency measured end to end (tokenization included) on the machine that built ")
        .append("the bundles.</p>\n<table><tr><th>variant</th><th>layers run</th><th>accuracy</th>")
        .append("<th>&Delta; vs full (points)</th><th>parameters</th><th>MFLOP/token</th>")
        .append("<th>batch 1 p50 ms</th><th>batch 32 p50 ms</th><th>examples/s</th>")
        .append("<th>throughput vs full</th></tr>\n");
    VariantEvaluation full = evaluations.get("full");
    for (Map.Entry<String, VariantEvaluation> e : evaluations.entrySet()) {
      VariantEvaluation v = e.getValue();
      String layersRun =
          !Double.isNaN(v.meanExitLayer())
              ? fmt("%.2f (mean)", v.meanExitLayer())
              : e.getKey().equals("full") ? String.valueOf(curve.size()) : String.valueOf(chosen);
      b.append("<tr><td style=\"text-align:left\">")
          .append(esc(e.getKey()))
          .append("</td><td>")
          .append(layersRun)
          .append("</td><td>")
          .append(fmt("%.4f", v.accuracy()))
          .append("</td><td>")
          .append(fmt("%+.2f", 100 * (v.accuracy() - full.accuracy())))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%,d", v.parameterCount()))
          .append("</td><td>")
          .append(fmt("%.1f", v.flopsPerToken() / 1e6))
          .append("</td><td>")
          .append(fmt("%.1f", v.batch1().p50Ms()))
          .append("</td><td>")
          .append(fmt("%.1f", v.batch32().p50Ms()))
          .append("</td><td>")
          .append(fmt("%.0f", v.throughputPerSecond()))
          .append("</td><td>")
          .append(fmt("%.2fx", v.throughputPerSecond() / full.throughputPerSecond()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
    if (!thresholds.isEmpty()) {
      b.append("<p>Early-exit thresholds (top probability to leave at a layer): ");
      thresholds.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  b.append("layer ")
                      .append(e.getKey())
                      .append(": ")
                      .append(fmt("%.4f", e.getValue()))
                      .append("; "));
      b.append("the deepest chip answers the rest.</p>\n");
    }
    b.append("</body></html>\n");
    return b.toString();
  }

  /**
   * The accuracy-per-layer chart as inline SVG: validation (and test) accuracy per layer, the
   * chosen layer marked; validation points are labelled with their accuracy when there are few
   * enough layers for the labels to be read, else only the chosen and the best layer.
   */
  public SvgChart chart() {
    boolean test = curve.stream().anyMatch(a -> !Double.isNaN(a.testAccuracy()));
    boolean labelAll = curve.size() <= 12;
    List<SvgChart.Point> validation = new ArrayList<>();
    List<SvgChart.Point> testPoints = new ArrayList<>();
    for (LayerAccuracy a : curve) {
      double v = a.validationAccuracy() * 100;
      boolean label = labelAll || a.depth() == chosen || a.depth() == best;
      validation.add(
          new SvgChart.Point(
              a.depth(),
              v,
              label ? fmt("%.1f%%", v) : null,
              false,
              fmt("layer " + a.depth() + ": validation %.2f%%", v)));
      if (!Double.isNaN(a.testAccuracy())) {
        double t = a.testAccuracy() * 100;
        testPoints.add(
            new SvgChart.Point(
                a.depth(), t, null, false, fmt("layer " + a.depth() + ": test %.2f%%", t)));
      }
    }
    List<SvgChart.Series> series = new ArrayList<>();
    if (test) {
      series.add(new SvgChart.Series("test", "#2e9a4a", SvgChart.Line.STRAIGHT, 3, testPoints));
    }
    // validation last: its points and labels are drawn over the test line
    series.add(
        new SvgChart.Series("validation", "#1f5fbf", SvgChart.Line.STRAIGHT, 3.5, validation));
    return new SvgChart(
        720,
        380,
        SvgChart.Axis.integers("layer (chip depth: layers run)"),
        SvgChart.Axis.linear("accuracy (%)"),
        series,
        List.of(new SvgChart.Marker(chosen, "chosen " + chosen, "#d08000")),
        "accuracy per layer");
  }

  /** Wilson score interval (95%) of an accuracy measured on {@code n} examples, as text. */
  static String interval(double accuracy, int n) {
    if (n <= 0) {
      return "-";
    }
    double z = 1.959964;
    double z2n = z * z / n;
    double centre = (accuracy + z2n / 2) / (1 + z2n);
    double half = z * Math.sqrt(accuracy * (1 - accuracy) / n + z2n / (4.0 * n)) / (1 + z2n);
    return String.format(
        Locale.ROOT, "%.3f-%.3f", Math.max(0, centre - half), Math.min(1, centre + half));
  }

  private static String fmt(String f, double v) {
    return String.format(Locale.ROOT, f, v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
