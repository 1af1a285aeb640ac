package io.prunegate.pruner.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A small, self-contained SVG chart for the pruner's HTML reports: linear x and y axes with nice
 * round ticks, tick values and titles, point series (filled or hollow markers, optionally joined by
 * a straight line or a staircase), vertical markers, a legend above the frame, and point labels
 * placed fully inside the plot frame. A pure function from data to an SVG string: no fonts are
 * measured, so label widths are estimated conservatively (wider than sans-serif text renders) and a
 * label flips to the left of its point, or below it, where it would leave the frame.
 *
 * @param width the image width in pixels
 * @param height the image height in pixels
 * @param x the horizontal axis
 * @param y the vertical axis
 * @param series the series, drawn in order (later ones on top)
 * @param markers vertical lines at given x values
 * @param description the image's accessible name
 */
public record SvgChart(
    int width,
    int height,
    Axis x,
    Axis y,
    List<Series> series,
    List<Marker> markers,
    String description) {

  /** Font size of point labels, tick values and the legend. */
  static final double FONT = 11;

  /** Font size of axis titles. */
  static final double TITLE_FONT = 12;

  /**
   * Estimated advance of one character, as a fraction of the font size. Sans-serif digits and
   * lowercase letters average about 0.55 em; the estimate errs wide so a label never overflows.
   */
  static final double CHAR_EM = 0.64;

  private static final double LEFT = 70;
  private static final double RIGHT = 24;
  private static final double TOP = 40;
  private static final double BOTTOM = 52;

  /** Distance from a point to its label: more than the largest marker radius. */
  private static final double GAP = 7;

  private static final double INSET = 2;

  /**
   * One axis.
   *
   * @param title its title, units included ({@code throughput (examples/s)})
   * @param integers whole-number ticks only, range padded by half a step (layers)
   * @param pad fraction of the data span added on each side before rounding to ticks
   */
  public record Axis(String title, boolean integers, double pad) {

    /** A continuous axis padded by 5% of the data span each side. */
    public static Axis linear(String title) {
      return new Axis(title, false, 0.05);
    }

    /** A whole-number axis (layers): ticks on integers, half a unit of room each side. */
    public static Axis integers(String title) {
      return new Axis(title, true, 0);
    }
  }

  /** How the points of a series are joined. */
  public enum Line {
    /** Not joined. */
    NONE,
    /** Straight segments in the given order. */
    STRAIGHT,
    /**
     * Vertical then horizontal segments in the given order: sorted by x with y falling, the
     * boundary of what the points dominate when both coordinates are better higher (a Pareto
     * front).
     */
    STAIRCASE
  }

  /**
   * One series.
   *
   * @param name its legend entry, null for none
   * @param color its colour (CSS)
   * @param line how its points are joined
   * @param radius marker radius, 0 for no markers
   * @param points its points
   */
  public record Series(String name, String color, Line line, double radius, List<Point> points) {
    public Series {
      // a point without a finite position cannot be drawn (throughput is NaN when latency was
      // skipped): it is left out rather than written as NaN coordinates
      points =
          points.stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y())).toList();
    }
  }

  /**
   * One point.
   *
   * @param x its x value
   * @param y its y value
   * @param label its label beside the point, null for none
   * @param hollow drawn as a ring rather than a disc
   * @param tooltip the hover text, null for none
   */
  public record Point(double x, double y, String label, boolean hollow, String tooltip) {

    /** A filled point with a label and no tooltip. */
    public static Point of(double x, double y, String label) {
      return new Point(x, y, label, false, null);
    }
  }

  /**
   * A vertical line across the frame with a label at its top.
   *
   * @param x where
   * @param label its label
   * @param color its colour
   */
  public record Marker(double x, String label, String color) {}

  /** An axis-aligned box in image coordinates (y grows downward). */
  public record Box(double left, double top, double right, double bottom) {

    boolean within(Box outer) {
      return left >= outer.left
          && right <= outer.right
          && top >= outer.top
          && bottom <= outer.bottom;
    }

    boolean overlaps(Box o) {
      return left < o.right && o.left < right && top < o.bottom && o.top < bottom;
    }
  }

  /**
   * A placed label.
   *
   * @param text the text
   * @param box the space reserved for it (at least the rendered text)
   * @param anchorEnd the text ends at the box's right edge (flipped left of its point)
   * @param baseline the text's baseline
   * @param color its colour
   */
  public record Label(String text, Box box, boolean anchorEnd, double baseline, String color) {}

  /**
   * Where everything goes.
   *
   * @param frame the plot frame
   * @param xTicks the x axis
   * @param yTicks the y axis
   * @param labels the point and marker labels, all within the frame
   */
  public record Layout(Box frame, Ticks xTicks, Ticks yTicks, List<Label> labels) {}

  public SvgChart {
    series = List.copyOf(series);
    markers = List.copyOf(markers);
  }

  /** The estimated width of {@code text} at {@code fontSize}: never narrower than it renders. */
  static double textWidth(String text, double fontSize) {
    return text.length() * fontSize * CHAR_EM;
  }

  /** The frame, the axes and the label positions. */
  public Layout layout() {
    Box frame = new Box(LEFT, TOP, width - RIGHT, height - BOTTOM);
    Ticks xt = ticks(x, true, frame.right - frame.left);
    Ticks yt = ticks(y, false, frame.bottom - frame.top);
    // the markers are taken first: a label covering another variant's point would hide it
    List<Box> taken = new ArrayList<>();
    for (Series s : series) {
      for (Point p : s.points()) {
        double cx = px(p.x(), xt, frame);
        double cy = py(p.y(), yt, frame);
        double r = s.radius();
        if (r > 0) {
          taken.add(new Box(cx - r, cy - r, cx + r, cy + r));
        }
      }
    }
    List<Label> labels = new ArrayList<>();
    for (Marker m : markers) {
      labels.add(
          place(m.label(), px(m.x(), xt, frame), frame.top + 4, m.color(), frame, taken, true));
    }
    for (Series s : series) {
      for (Point p : s.points()) {
        if (p.label() != null) {
          labels.add(
              place(
                  p.label(),
                  px(p.x(), xt, frame),
                  py(p.y(), yt, frame),
                  "#222",
                  frame,
                  taken,
                  false));
        }
      }
    }
    return new Layout(frame, xt, yt, labels);
  }

  /** The chart as one {@code <svg>} element. */
  public String svg() {
    Layout l = layout();
    Box f = l.frame();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\">\n",
            width,
            height,
            width,
            height,
            esc(description)));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    // grid and ticks first, so data is drawn over them
    for (double v : l.xTicks().values()) {
      double px = px(v, l.xTicks(), f);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                  + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"middle\">%s"
                  + "</text>\n",
              px,
              f.top(),
              px,
              f.bottom(),
              px,
              f.bottom(),
              px,
              f.bottom() + 5,
              px,
              f.bottom() + 18,
              FONT,
              l.xTicks().format(v)));
    }
    for (double v : l.yTicks().values()) {
      double py = py(v, l.yTicks(), f);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
                  + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"end\">%s"
                  + "</text>\n",
              f.left(),
              py,
              f.right(),
              py,
              f.left() - 5,
              py,
              f.left(),
              py,
              f.left() - 8,
              py + 4,
              FONT,
              l.yTicks().format(v)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\""
                + " stroke=\"#333\"/>\n",
            f.left(),
            f.top(),
            f.right() - f.left(),
            f.bottom() - f.top()));
    double midX = (f.left() + f.right()) / 2;
    double midY = (f.top() + f.bottom()) / 2;
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"middle\">%s</text>\n"
                + "<text x=\"16\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 16 %.1f)\">%s</text>\n",
            midX,
            height - 12.0,
            TITLE_FONT,
            esc(x.title()),
            midY,
            TITLE_FONT,
            midY,
            esc(y.title())));
    for (Marker m : markers) {
      double px = px(m.x(), l.xTicks(), f);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                  + " stroke-dasharray=\"5,4\"/>\n",
              px,
              f.top(),
              px,
              f.bottom(),
              m.color()));
    }
    for (Series ser : series) {
      s.append(line(ser, l, f));
    }
    for (Series ser : series) {
      if (ser.radius() <= 0) {
        continue;
      }
      for (Point p : ser.points()) {
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\""
                    + " stroke-width=\"%s\">",
                px(p.x(), l.xTicks(), f),
                py(p.y(), l.yTicks(), f),
                ser.radius(),
                p.hollow() ? "#fff" : ser.color(),
                ser.color(),
                p.hollow() ? "2" : "1"));
        if (p.tooltip() != null) {
          s.append("<title>").append(esc(p.tooltip())).append("</title>");
        }
        s.append("</circle>\n");
      }
    }
    for (Label lab : l.labels()) {
      s.append(
          String.format(
              Locale.ROOT,
              // a white halo keeps a label readable where it crosses a line or the grid
              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" fill=\"%s\" stroke=\"#fff\""
                  + " stroke-width=\"3\" paint-order=\"stroke\"%s>%s</text>\n",
              lab.anchorEnd() ? lab.box().right() : lab.box().left(),
              lab.baseline(),
              FONT,
              lab.color(),
              lab.anchorEnd() ? " text-anchor=\"end\"" : "",
              esc(lab.text())));
    }
    s.append(legend(f));
    return s.append("</svg>\n").toString();
  }

  /** The legend: one swatch and name per named series, in a row above the frame. */
  private String legend(Box f) {
    StringBuilder s = new StringBuilder();
    double cx = f.left();
    double cy = f.top() - 16;
    for (Series ser : series) {
      if (ser.name() == null) {
        continue;
      }
      if (ser.line() != Line.NONE) {
        s.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                    + " stroke-width=\"2\"/>",
                cx,
                cy - 4,
                cx + 16,
                cy - 4,
                ser.color()));
      }
      if (ser.radius() > 0) {
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>",
                cx + 8,
                cy - 4,
                ser.color()));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\">%s</text>\n",
              cx + 20,
              cy,
              FONT,
              esc(ser.name())));
      cx += 20 + textWidth(ser.name(), FONT) + 14;
    }
    return s.toString();
  }

  private String line(Series ser, Layout l, Box f) {
    if (ser.line() == Line.NONE || ser.points().size() < 2) {
      return "";
    }
    StringBuilder pts = new StringBuilder();
    Point prev = null;
    for (Point p : ser.points()) {
      if (prev != null && ser.line() == Line.STAIRCASE) {
        pts.append(
            String.format(
                Locale.ROOT, "%.1f,%.1f ", px(prev.x(), l.xTicks(), f), py(p.y(), l.yTicks(), f)));
      }
      pts.append(
          String.format(
              Locale.ROOT, "%.1f,%.1f ", px(p.x(), l.xTicks(), f), py(p.y(), l.yTicks(), f)));
      prev = p;
    }
    return "<polyline fill=\"none\" stroke=\""
        + ser.color()
        + "\" stroke-width=\"2\" points=\""
        + pts.toString().strip()
        + "\"/>\n";
  }

  /**
   * A label for the point at ({@code px}, {@code py}): right of it and above, else left and above,
   * right and below, left and below, the first that fits in the frame and overlaps no label placed
   * before; if none is free, the first that fits; clamped into the frame as a last resort.
   */
  private static Label place(
      String text, double px, double py, String color, Box frame, List<Box> taken, boolean marker) {
    double w = textWidth(text, FONT);
    double ascent = FONT;
    double descent = FONT * 0.3;
    Box inner =
        new Box(
            frame.left() + INSET,
            frame.top() + INSET,
            frame.right() - INSET,
            frame.bottom() - INSET);
    List<Label> options = new ArrayList<>();
    // a marker's label hangs below the frame top beside its line; a point's sits diagonally off it
    double above = marker ? py + ascent : py - GAP + 2;
    double below = marker ? py + ascent : py + GAP + ascent;
    for (double baseline : new double[] {above, below}) {
      Box right = new Box(px + GAP, baseline - ascent, px + GAP + w, baseline + descent);
      Box left = new Box(px - GAP - w, baseline - ascent, px - GAP, baseline + descent);
      options.add(new Label(text, right, false, baseline, color));
      options.add(new Label(text, left, true, baseline, color));
    }
    Label chosen =
        options.stream()
            .filter(
                o -> o.box().within(inner) && taken.stream().noneMatch(t -> t.overlaps(o.box())))
            .findFirst()
            .or(() -> options.stream().filter(o -> o.box().within(inner)).findFirst())
            .orElseGet(() -> clamp(options.get(0), inner));
    taken.add(chosen.box());
    return chosen;
  }

  /** {@code l} shifted into {@code inner} (a label wider than the frame keeps its left edge). */
  private static Label clamp(Label l, Box inner) {
    Box b = l.box();
    double dx = b.right() > inner.right() ? inner.right() - b.right() : 0;
    dx = b.left() + dx < inner.left() ? inner.left() - b.left() : dx;
    double dy = b.bottom() > inner.bottom() ? inner.bottom() - b.bottom() : 0;
    dy = b.top() + dy < inner.top() ? inner.top() - b.top() : dy;
    return new Label(
        l.text(),
        new Box(b.left() + dx, b.top() + dy, b.right() + dx, b.bottom() + dy),
        l.anchorEnd(),
        l.baseline() + dy,
        l.color());
  }

  private Ticks ticks(Axis axis, boolean horizontal, double pixels) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (Point p : s.points()) {
        double v = horizontal ? p.x() : p.y();
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (horizontal) {
      for (Marker m : markers) {
        min = Math.min(min, m.x());
        max = Math.max(max, m.x());
      }
    }
    if (min > max) {
      min = 0;
      max = 1;
    }
    // about one tick per 80 px across, one per 50 px up: tick values never crowd
    int target = (int) Math.max(2, Math.min(10, pixels / (horizontal ? 80 : 50)));
    if (axis.integers()) {
      double span = max - min;
      int step = (int) Math.max(1, Math.ceil(span / target));
      return Ticks.of(min - step / 2.0, max + step / 2.0, target, true);
    }
    double pad = (max - min) * axis.pad();
    return Ticks.of(min - pad, max + pad, target, false);
  }

  private static double px(double v, Ticks t, Box f) {
    return f.left() + (f.right() - f.left()) * (v - t.lo()) / (t.hi() - t.lo());
  }

  private static double py(double v, Ticks t, Box f) {
    return f.bottom() - (f.bottom() - f.top()) * (v - t.lo()) / (t.hi() - t.lo());
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** The points of {@code points} sorted by x, for lines drawn left to right. */
  public static List<Point> byX(List<Point> points) {
    return points.stream().sorted(Comparator.comparingDouble(Point::x)).toList();
  }
}
