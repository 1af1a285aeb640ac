package io.prunegate.pruner.pareto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.pruner.PrunerJson;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.report.SvgChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The comparison of every variant a job tried: accuracy against throughput, each measured against
 * the baseline (the parent's full-depth classifier), the acceptance verdict, and which variants are
 * Pareto-optimal (no other variant is at least as accurate and at least as fast, and better in
 * one). Written as {@value #JSON} and {@value #HTML} (a table and a scatter plot) and attached to
 * the job's result. Candidates rejected before comparison (their outputs were not finite) are
 * listed apart with their reason: they have no metrics to compare and were never registered.
 *
 * @param model the model
 * @param parentVersion the version compressed
 * @param acceptance the rule applied
 * @param rows one per variant, in the order tried
 * @param rejected the candidates rejected unmeasured, in the order tried
 */
public record ParetoTable(
    String model,
    int parentVersion,
    CompressionPolicy.Acceptance acceptance,
    List<Row> rows,
    List<Rejected> rejected) {

  public static final String JSON = "pareto.json";
  public static final String HTML = "pareto.html";

  /**
   * One variant.
   *
   * @param variant its name ({@code chip-truncated})
   * @param method the method that made it
   * @param version its registered version
   * @param metrics what was measured
   * @param baseline true for the reference all others are compared with
   * @param accuracyDropPoints baseline accuracy minus this one's, in points
   * @param speedup this throughput over the baseline's: the paired measurement when there is one
   * @param accepted meets the acceptance rule (never true for the baseline itself)
   * @param paretoOptimal not dominated by another variant
   */
  @JsonPropertyOrder({
    "variant",
    "method",
    "version",
    "baseline",
    "metrics",
    "accuracy_drop_points",
    "speedup",
    "accepted",
    "pareto_optimal"
  })
  public record Row(
      String variant,
      String method,
      int version,
      VariantMetrics metrics,
      boolean baseline,
      double accuracyDropPoints,
      double speedup,
      boolean accepted,
      boolean paretoOptimal) {}

  /**
   * A variant before comparison: name, method, version, metrics, baseline flag, and its throughput
   * over the baseline's as measured in alternating rounds of one run (NaN when not measured).
   */
  public record Entry(
      String variant,
      String method,
      int version,
      VariantMetrics metrics,
      boolean baseline,
      double measuredSpeedup) {

    /** An entry whose speedup is its throughput over the baseline's (no paired measurement). */
    public Entry(
        String variant, String method, int version, VariantMetrics metrics, boolean baseline) {
      this(variant, method, version, metrics, baseline, Double.NaN);
    }
  }

  /**
   * A candidate rejected before comparison.
   *
   * @param variant its name
   * @param method the method that made it
   * @param reason why it was rejected
   */
  @JsonPropertyOrder({"variant", "method", "reason"})
  public record Rejected(String variant, String method, String reason) {}

  public ParetoTable {
    rows = List.copyOf(rows);
    rejected = List.copyOf(rejected);
  }

  /**
   * Compares {@code entries} with the baseline among them (the first flagged one) under {@code
   * acceptance}, with no rejected candidates.
   */
  public static ParetoTable compare(
      String model,
      int parentVersion,
      CompressionPolicy.Acceptance acceptance,
      List<Entry> entries) {
    return compare(model, parentVersion, acceptance, entries, List.of());
  }

  /**
   * Compares {@code entries} with the baseline among them (the first flagged one) under {@code
   * acceptance}; {@code rejected} are listed beside the comparison, never in it.
   */
  public static ParetoTable compare(
      String model,
      int parentVersion,
      CompressionPolicy.Acceptance acceptance,
      List<Entry> entries,
      List<Rejected> rejected) {
    Entry base =
        entries.stream()
            .filter(Entry::baseline)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no baseline among the variants"));
    List<Row> rows = new ArrayList<>();
    for (Entry e : entries) {
      double drop = (base.metrics().accuracy() - e.metrics().accuracy()) * 100.0;
      // The paired ratio when the job measured one (alternating rounds against the baseline);
      // else the ratio of the throughputs, each measured alone.
      double speedup =
          !Double.isNaN(e.measuredSpeedup())
              ? e.measuredSpeedup()
              : e.metrics().throughputPerSecond() / base.metrics().throughputPerSecond();
      boolean accepted = e != base && acceptance.accepts(drop, speedup);
      boolean optimal =
          entries.stream()
              .noneMatch(
                  o ->
                      o != e
                          && o.metrics().accuracy() >= e.metrics().accuracy()
                          && o.metrics().throughputPerSecond() >= e.metrics().throughputPerSecond()
                          && (o.metrics().accuracy() > e.metrics().accuracy()
                              || o.metrics().throughputPerSecond()
                                  > e.metrics().throughputPerSecond()));
      rows.add(
          new Row(
              e.variant(),
              e.method(),
              e.version(),
              e.metrics(),
              e.baseline(),
              drop,
              speedup,
              accepted,
              optimal));
    }
    return new ParetoTable(model, parentVersion, acceptance, rows, rejected);
  }

  /**
   * The accepted variant with the highest speedup, the ratio acceptance used (ties: the more
   * accurate), if any.
   */
  public Optional<Row> best() {
    return rows.stream()
        .filter(Row::accepted)
        .max(
            Comparator.comparingDouble(Row::speedup)
                .thenComparingDouble(r -> r.metrics().accuracy()));
  }

  /** The table as JSON. */
  public ObjectNode toJson() {
    return (ObjectNode)
        PrunerJson.toTree(
            new Report(
                model,
                parentVersion,
                new AcceptanceJson(acceptance.maxAccuracyDropPoints(), acceptance.minSpeedup()),
                rows,
                rejected,
                best().map(Row::variant).orElse(null)));
  }

  /**
   * {@value #JSON}: the table, its rule, the rejected candidates (left out when none, so reports of
   * jobs without any keep their bytes), and the best variant's name when one was accepted.
   */
  @JsonPropertyOrder({"model", "parent_version", "acceptance", "variants", "rejected", "best"})
  private record Report(
      String model,
      int parentVersion,
      AcceptanceJson acceptance,
      List<Row> variants,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rejected> rejected,
      @JsonInclude(JsonInclude.Include.NON_NULL) String best) {}

  /** The acceptance rule as the report states it (the policy's own type has more accessors). */
  @JsonPropertyOrder({"max_accuracy_drop_points", "min_speedup"})
  private record AcceptanceJson(double maxAccuracyDropPoints, double minSpeedup) {}

  /** Writes {@value #JSON} and {@value #HTML} into {@code dir}; returns their paths. */
  public List<Path> write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path json = dir.resolve(JSON);
      Files.write(json, PrunerJson.write(toJson()));
      Path html = dir.resolve(HTML);
      Files.writeString(html, toHtml(), StandardCharsets.UTF_8);
      return List.of(json, html);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Pareto report to " + dir, e);
    }
  }

  /** A self-contained HTML page: the table and an accuracy-vs-throughput scatter plot. */
  public String toHtml() {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
        .append(esc(model))
        .append(" v")
        .append(parentVersion)
        .append(" variants</title>\n<style>body{font-family:sans-serif;margin:2em}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append("text-align:right}td:first-child,th:first-child{text-align:left}")
        .append(".best{background:#e6ffe6}.no{color:#999}</style></head><body>\n<h1>")
        .append(esc(model))
        .append(" version ")
        .append(parentVersion)
        .append(": compressed variants</h1>\n<p>Acceptance: at most ")
        .append(fmt(acceptance.maxAccuracyDropPoints(), 2))
        .append(" points of accuracy lost and at least ")
        .append(fmt(acceptance.minSpeedup(), 2))
        .append("x throughput at batch 32, against the baseline (the parent's full-depth")
        .append(" classifier).")
        .append(
            best()
                .map(b -> " Best: <b>" + esc(b.variant()) + "</b>.")
                .orElse(" No variant met it."))
        .append("</p>\n");
    h.append(chart().svg());
    h.append(
        "\n<p>Filled points are Pareto-optimal (no other variant is at least as accurate and at"
            + " least as fast, and better in one) and the staircase joins them; hollow points are"
            + " dominated.</p>");
    h.append("\n<table><tr><th>variant</th><th>method</th><th>version</th><th>accuracy</th>")
        .append("<th>drop (points)</th><th>parameters</th><th>GFLOPs/token</th>")
        .append("<th>b1 p50 ms</th><th>b32 p50 ms</th><th>throughput/s</th><th>speedup</th>")
        .append("<th>mean exit layer</th><th>accepted</th><th>Pareto</th></tr>\n");
    String bestName = best().map(Row::variant).orElse(null);
    for (Row r : rows) {
      VariantMetrics m = r.metrics();
      h.append(r.variant().equals(bestName) ? "<tr class=\"best\">" : "<tr>")
          .append("<td>")
          .append(esc(r.variant()))
          .append(r.baseline() ? " (baseline)" : "")
          .append("</td><td>")
          .append(esc(r.method()))
          .append("</td><td>")
          .append(r.version())
          .append("</td><td>")
          .append(fmt(m.accuracy() * 100, 2))
          .append("%</td><td>")
          .append(fmt(r.accuracyDropPoints(), 2))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%,d", m.parameters()))
          .append("</td><td>")
          .append(fmt(m.flopsPerToken() / 1e9, 4))
          .append("</td><td>")
          .append(fmt(m.batch1P50Ms(), 1))
          .append("</td><td>")
          .append(fmt(m.batch32P50Ms(), 1))
          .append("</td><td>")
          .append(fmt(m.throughputPerSecond(), 1))
          .append("</td><td>")
          .append(fmt(r.speedup(), 2))
          .append("x</td><td>")
          .append(m.meanExitLayer().isPresent() ? fmt(m.meanExitLayer().getAsDouble(), 2) : "-")
          .append("</td><td>")
          .append(r.accepted() ? "yes" : "<span class=\"no\">no</span>")
          .append("</td><td>")
          .append(r.paretoOptimal() ? "yes" : "<span class=\"no\">no</span>")
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    if (!rejected.isEmpty()) {
      h.append("<h2>Rejected candidates</h2>\n<p>Not measured, not registered:</p>\n<ul>\n");
      for (Rejected r : rejected) {
        h.append("<li><b>")
            .append(esc(r.variant()))
            .append("</b> (")
            .append(esc(r.method()))
            .append("): ")
            .append(esc(r.reason()))
            .append("</li>\n");
      }
      h.append("</ul>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  /**
   * The accuracy-vs-throughput chart: filled points are on the Pareto front, which a staircase
   * joins (the boundary of what they dominate), hollow points are dominated; colour says baseline,
   * accepted or not.
   */
  public SvgChart chart() {
    List<SvgChart.Point> front = new ArrayList<>();
    List<SvgChart.Point> base = new ArrayList<>();
    List<SvgChart.Point> accepted = new ArrayList<>();
    List<SvgChart.Point> others = new ArrayList<>();
    for (Row r : rows) {
      VariantMetrics m = r.metrics();
      double x = m.throughputPerSecond();
      double y = m.accuracy() * 100;
      SvgChart.Point p =
          new SvgChart.Point(
              x,
              y,
              r.variant() + " " + fmt(y, 1) + "%",
              !r.paretoOptimal(),
              r.variant()
                  + ": accuracy "
                  + fmt(y, 2)
                  + "%, "
                  + fmt(x, 1)
                  + " examples/s, "
                  + fmt(r.speedup(), 2)
                  + "x"
                  + (r.paretoOptimal() ? ", Pareto-optimal" : ", dominated"));
      (r.baseline() ? base : r.accepted() ? accepted : others).add(p);
      if (r.paretoOptimal()) {
        front.add(SvgChart.Point.of(x, y, null));
      }
    }
    // left to right with accuracy falling: the order the staircase steps down in
    front.sort(
        Comparator.comparingDouble(SvgChart.Point::x)
            .thenComparing(Comparator.comparingDouble(SvgChart.Point::y).reversed()));
    return new SvgChart(
        720,
        420,
        SvgChart.Axis.linear("throughput at batch 32 (examples/s)"),
        SvgChart.Axis.linear("validation accuracy (%)"),
        List.of(
            new SvgChart.Series("Pareto front", "#3b6fd4", SvgChart.Line.STAIRCASE, 0, front),
            new SvgChart.Series("baseline", "#555", SvgChart.Line.NONE, 5.5, base),
            new SvgChart.Series("accepted", "#1a8f1a", SvgChart.Line.NONE, 5.5, accepted),
            new SvgChart.Series("not accepted", "#c33", SvgChart.Line.NONE, 5.5, others)),
        List.of(),
        "validation accuracy against throughput of every variant");
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
