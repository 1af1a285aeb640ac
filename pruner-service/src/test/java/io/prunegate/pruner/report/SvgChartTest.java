package io.prunegate.pruner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The chart writer: ticks and titles are in the SVG, every label's reserved box lies inside the
 * plot frame (near the right edge the label flips left, near the top it goes below), the box is at
 * least as wide as the text renders, and a staircase steps vertically then horizontally.
 */
class SvgChartTest {

  static void assertLabelsInsideFrame(SvgChart chart) {
    SvgChart.Layout l = chart.layout();
    for (SvgChart.Label label : l.labels()) {
      SvgChart.Box b = label.box();
      assertTrue(
          b.left() >= l.frame().left()
              && b.right() <= l.frame().right()
              && b.top() >= l.frame().top()
              && b.bottom() <= l.frame().bottom(),
          label.text() + " " + b + " outside " + l.frame());
      assertTrue(
          b.right() - b.left() >= SvgChart.textWidth(label.text(), SvgChart.FONT) - 1e-9,
          label.text() + " box narrower than its estimate");
    }
  }

  private static SvgChart chart(List<SvgChart.Point> points) {
    return new SvgChart(
        720,
        420,
        SvgChart.Axis.linear("throughput (examples/s)"),
        SvgChart.Axis.linear("accuracy (%)"),
        List.of(new SvgChart.Series("variants", "#c33", SvgChart.Line.NONE, 5, points)),
        List.of(),
        "test chart");
  }

  @Test
  void aLabelAtTheRightEdgeFlipsLeftAndOneAtTheTopGoesBelow() {
    SvgChart c =
        chart(
            List.of(
                SvgChart.Point.of(100, 90, "chip-full 90.0%"),
                SvgChart.Point.of(400, 85, "chip-early-exit 85.0%"),
                SvgChart.Point.of(250, 91, "finercut-r10 91.0%")));
    assertLabelsInsideFrame(c);
    SvgChart.Layout l = c.layout();
    SvgChart.Label right = l.labels().get(1);
    assertTrue(right.anchorEnd(), "the rightmost label flips to the left of its point");
    SvgChart.Label top = l.labels().get(2);
    assertTrue(top.box().top() >= l.frame().top(), "the top label stays in the frame");
  }

  @Test
  void manyRandomLabelsAllStayInsideTheFrame() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      List<SvgChart.Point> pts = new ArrayList<>();
      int n = 1 + rnd.nextInt(12);
      for (int i = 0; i < n; i++) {
        String name = "variant-" + "x".repeat(rnd.nextInt(20));
        pts.add(SvgChart.Point.of(rnd.nextDouble() * 1000, 50 + rnd.nextDouble() * 50, name));
      }
      assertLabelsInsideFrame(chart(pts));
    }
  }

  @Test
  void pointsWithoutAFinitePositionAreLeftOut() {
    SvgChart c =
        chart(
            List.of(
                SvgChart.Point.of(Double.NaN, 90, "no latency"),
                SvgChart.Point.of(100, 90, "a"),
                SvgChart.Point.of(200, 80, "b")));
    assertEquals(2, c.series().get(0).points().size());
    assertTrue(!c.svg().contains("NaN") && !c.svg().contains("no latency"));
    assertLabelsInsideFrame(c);
  }

  @Test
  void theLabelEstimateIsNoNarrowerThanSansSerifRenders() {
    // the widest common glyphs in a report label: digits, lowercase, '-', '%'
    java.awt.Font font = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11);
    var frc = new java.awt.font.FontRenderContext(null, true, true);
    for (String s : List.of("chip-early-exit 89.2%", "finercut-r50 85.0%", "0123456789")) {
      double rendered = font.getStringBounds(s, frc).getWidth();
      assertTrue(
          SvgChart.textWidth(s, SvgChart.FONT) >= rendered,
          s + ": estimate " + SvgChart.textWidth(s, SvgChart.FONT) + " < " + rendered);
    }
  }

  @Test
  void axesHaveTicksValuesAndTitlesAndTheStaircaseStepsDown() {
    SvgChart c =
        new SvgChart(
            600,
            400,
            SvgChart.Axis.linear("throughput (examples/s)"),
            SvgChart.Axis.linear("accuracy (%)"),
            List.of(
                new SvgChart.Series(
                    "front",
                    "#00f",
                    SvgChart.Line.STAIRCASE,
                    0,
                    List.of(SvgChart.Point.of(100, 90, null), SvgChart.Point.of(200, 80, null)))),
            List.of(),
            "t");
    String svg = c.svg();
    SvgChart.Layout l = c.layout();
    for (double v : l.xTicks().values()) {
      assertTrue(svg.contains(">" + l.xTicks().format(v) + "</text>"), "x tick " + v);
    }
    for (double v : l.yTicks().values()) {
      assertTrue(svg.contains(">" + l.yTicks().format(v) + "</text>"), "y tick " + v);
    }
    assertTrue(svg.contains(">throughput (examples/s)</text>"));
    assertTrue(svg.contains(">accuracy (%)</text>"));
    // three vertices: the first point, the corner below it, the second point
    String points = svg.replaceAll("(?s).*<polyline[^>]*points=\"([^\"]*)\".*", "$1");
    String[] v = points.split(" ");
    assertEquals(3, v.length, points);
    assertEquals(v[0].split(",")[0], v[1].split(",")[0], "vertical first");
    assertEquals(v[1].split(",")[1], v[2].split(",")[1], "then horizontal");
  }
}
