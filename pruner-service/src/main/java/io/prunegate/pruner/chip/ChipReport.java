package io.prunegate.pruner.chip;

import io.prunegate.model.runtime.Pooling;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static final int W = 640;
  private static final int H = 320;
  private static final int LEFT = 56;
  private static final int RIGHT = 16;
  private static final int TOP = 20;
  private static final int BOTTOM = 44;

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
    b.append(chart());
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

  /** The accuracy-per-layer chart as inline SVG. */
  String chart() {
    int n = curve.size();
    double lo = 1;
    double hi = 0;
    boolean test = curve.stream().anyMatch(a -> !Double.isNaN(a.testAccuracy()));
    for (LayerAccuracy a : curve) {
      lo = Math.min(lo, a.validationAccuracy());
      hi = Math.max(hi, a.validationAccuracy());
      if (!Double.isNaN(a.testAccuracy())) {
        lo = Math.min(lo, a.testAccuracy());
        hi = Math.max(hi, a.testAccuracy());
      }
    }
    lo = Math.max(0, Math.floor(lo * 20 - 0.5) / 20);
    hi = Math.min(1, Math.ceil(hi * 20 + 0.2) / 20);
    if (hi <= lo) {
      hi = Math.min(1, lo + 0.05);
      lo = hi - 0.05;
    }
    StringBuilder s = new StringBuilder();
    s.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                    + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"accuracy per layer\">\n",
                W,
                H,
                W,
                H))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    for (int i = 0; i <= 5; i++) {
      double v = lo + (hi - lo) * i / 5;
      double y = y(v, lo, hi);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.3f</text>\n",
              LEFT,
              y,
              W - RIGHT,
              y,
              LEFT - 6,
              y + 4,
              v));
    }
    for (int d = 1; d <= n; d++) {
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d</text>\n",
              x(d, n),
              H - BOTTOM + 16,
              d));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">layer</text>\n"
                + "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d08000\" "
                + "stroke-dasharray=\"5,4\"/>"
                + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#d08000\">chosen %d</text>\n",
            (LEFT + W - RIGHT) / 2,
            H - 8,
            x(chosen, n),
            TOP,
            x(chosen, n),
            H - BOTTOM,
            x(chosen, n) + 4,
            TOP + 12,
            chosen));
    s.append(series(true, n, lo, hi, "#1f5fbf"));
    if (test) {
      s.append(series(false, n, lo, hi, "#2e9a4a"));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1f5fbf\">validation</text>\n",
            LEFT + 8,
            H - BOTTOM - 8));
    if (test) {
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#2e9a4a\">test</text>\n",
              LEFT + 90,
              H - BOTTOM - 8));
    }
    return s.append("</svg>\n").toString();
  }

  private String series(boolean validation, int n, double lo, double hi, String color) {
    StringBuilder pts = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (LayerAccuracy a : curve) {
      double v = validation ? a.validationAccuracy() : a.testAccuracy();
      String p = String.format(Locale.ROOT, "%.1f,%.1f", x(a.depth(), n), y(v, lo, hi));
      pts.append(p).append(' ');
      dots.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>layer %d: %.4f</title>"
                  + "</circle>\n",
              x(a.depth(), n),
              y(v, lo, hi),
              color,
              a.depth(),
              v));
    }
    return "<polyline fill=\"none\" stroke=\""
        + color
        + "\" stroke-width=\"2\" points=\""
        + pts.toString().strip()
        + "\"/>\n"
        + dots;
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

  private static double x(int depth, int n) {
    return LEFT + (W - LEFT - RIGHT) * (n == 1 ? 0.5 : (depth - 1) / (double) (n - 1));
  }

  private static double y(double v, double lo, double hi) {
    return TOP + (H - TOP - BOTTOM) * (1 - (v - lo) / (hi - lo));
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
