package io.parley.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A line chart as a self-contained SVG document: title, legend, axes with ticks and titles, an
 * optional right axis for a second unit, shaded x ranges. Hand-written SVG with presentation
 * attributes only (no CSS, no ids), so that many charts can sit inline in one HTML page.
 */
final class LineChart {

  static final int WIDTH = 600;
  static final int HEIGHT = 340;
  private static final String FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
  private static final int LEFT = 64;
  private static final int RIGHT_WITH_AXIS = 64;
  private static final int RIGHT_WITHOUT_AXIS = 24;
  private static final int BOTTOM = 46;
  private static final int LEGEND_ROW = 16;
  private static final double CHAR_WIDTH = 6.2; // of an 11 px sans-serif character, roughly

  /** An x range to mark: shaded (the measured window) or only labelled (warm-up, drain). */
  record Band(double from, double to, String label, boolean shaded) {}

  private final String title;
  private String subtitle = "";
  private String xTitle = "";
  private String leftTitle = "";
  private String rightTitle = "";
  private boolean xFromZero = true;
  private boolean xLogAllowed;
  private boolean leftLogAllowed;
  private final List<Series> series = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();

  LineChart(String title) {
    this.title = title;
  }

  LineChart subtitle(String text) {
    subtitle = text;
    return this;
  }

  LineChart xAxis(String axisTitle, boolean fromZero, boolean logAllowed) {
    xTitle = axisTitle;
    xFromZero = fromZero;
    xLogAllowed = logAllowed;
    return this;
  }

  /** The left axis; log allowed: a log scale when its values span a wide range ({@link Axis#fit}). */
  LineChart leftAxis(String axisTitle, boolean logAllowed) {
    leftTitle = axisTitle;
    leftLogAllowed = logAllowed;
    return this;
  }

  LineChart rightAxis(String axisTitle) {
    rightTitle = axisTitle;
    return this;
  }

  LineChart add(Series s) {
    series.add(s);
    return this;
  }

  LineChart band(Band b) {
    bands.add(b);
    return this;
  }

  /** Whether there is anything to draw: a chart of empty series is left out. */
  boolean hasValues() {
    return series.stream().anyMatch(Series::hasValues);
  }

  String svg() {
    List<Series> drawn = series.stream().filter(Series::hasValues).toList();
    boolean right = drawn.stream().anyMatch(Series::rightAxis);
    int plotLeft = LEFT;
    int plotRight = WIDTH - (right ? RIGHT_WITH_AXIS : RIGHT_WITHOUT_AXIS);
    List<List<LegendItem>> legendRows = legendRows(drawn, plotRight - plotLeft, right);
    // title, subtitle, legend rows, then room for the band labels above the frame
    int plotTop = 22 + (subtitle.isEmpty() ? 0 : 15) + legendRows.size() * LEGEND_ROW + (bands.isEmpty() ? 10 : 18);
    int plotBottom = HEIGHT - BOTTOM;

    Axis x = axis(drawn, s -> true, true, xFromZero, xLogAllowed);
    Axis left = axis(drawn, s -> !s.rightAxis(), false, true, leftLogAllowed);
    Axis rightAxis = right ? axis(drawn, Series::rightAxis, false, true, false) : null;
    Frame frame = new Frame(plotLeft, plotRight, plotTop, plotBottom, x);

    Svg out = new Svg();
    out.open(WIDTH, HEIGHT, title, FONT);
    out.raw("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>", WIDTH, HEIGHT);
    out.text(12, 18, title, "font-size=\"" + fitting(title, 14, 600) + "\" font-weight=\"600\" fill=\"#1a1a1a\"");
    if (!subtitle.isEmpty()) {
      out.text(12, 33, subtitle, "font-size=\"" + fitting(subtitle, 11, 400) + "\" fill=\"#555555\"");
    }
    drawLegend(out, legendRows, 22 + (subtitle.isEmpty() ? 0 : 15) + 12);
    drawBands(out, frame);
    drawYGrid(out, frame, left);
    drawXAxis(out, frame);
    drawYAxis(out, frame, left, plotLeft, "end", -8, leftTitle, 16, -90);
    if (rightAxis != null) {
      drawYAxis(out, frame, rightAxis, plotRight, "start", 8, rightTitle, WIDTH - 14, 90);
    }
    for (Series s : drawn) {
      drawSeries(out, frame, s.rightAxis() ? rightAxis : left, s);
    }
    out.raw(
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"/>",
        plotLeft, plotTop, plotRight - plotLeft, plotBottom - plotTop);
    out.close();
    return out.toString();
  }

  // ---------------------------------------------------------------------------------------

  /** The plot area in pixels and the x axis every layer shares. */
  private record Frame(int left, int right, int top, int bottom, Axis x) {
    double px(double v) {
      return left + x.fraction(v) * (right - left);
    }

    double py(Axis y, double v) {
      return bottom - y.fraction(v) * (bottom - top);
    }
  }

  private record LegendItem(Series series, String text, double width) {}

  private static Axis axis(
      List<Series> drawn, Predicate<Series> which, boolean xValues, boolean fromZero, boolean logAllowed) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : drawn) {
      if (!which.test(s)) {
        continue;
      }
      for (Series.Point p : s.points()) {
        double v = xValues ? p.x() : p.y();
        if (Double.isFinite(v) && Double.isFinite(p.y())) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    return Axis.fit(lo, hi, fromZero, logAllowed);
  }

  private static List<List<LegendItem>> legendRows(List<Series> drawn, int width, boolean right) {
    List<List<LegendItem>> rows = new ArrayList<>();
    List<LegendItem> row = new ArrayList<>();
    double used = 0;
    for (Series s : drawn) {
      String text = s.name() + (right && s.rightAxis() ? " (right axis)" : "");
      double w = 26 + text.length() * CHAR_WIDTH + 16;
      if (!row.isEmpty() && used + w > width) {
        rows.add(row);
        row = new ArrayList<>();
        used = 0;
      }
      row.add(new LegendItem(s, text, w));
      used += w;
    }
    if (!row.isEmpty()) {
      rows.add(row);
    }
    return rows;
  }

  private static void drawLegend(Svg out, List<List<LegendItem>> rows, int firstBaseline) {
    int y = firstBaseline;
    for (List<LegendItem> row : rows) {
      double x = LEFT;
      for (LegendItem item : row) {
        Series s = item.series();
        out.raw(
            "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"2.5\"%s/>",
            n(x), n(y - 4), n(x + 20), n(y - 4), s.color(), s.isDashed() ? " stroke-dasharray=\"5 3\"" : "");
        if (s.markers()) {
          out.raw("<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>", n(x + 10), n(y - 4), s.color());
        }
        out.text(x + 26, y, item.text(), "font-size=\"11\" fill=\"#333333\"");
        x += item.width();
      }
      y += LEGEND_ROW;
    }
  }

  private void drawBands(Svg out, Frame f) {
    for (Band b : bands) {
      double x0 = Math.max(f.left(), f.px(b.from()));
      double x1 = Math.min(f.right(), f.px(b.to()));
      if (!(x1 > x0)) {
        continue;
      }
      if (b.shaded()) {
        out.raw(
            "<rect x=\"%s\" y=\"%d\" width=\"%s\" height=\"%d\" fill=\"#dbe9f7\"/>",
            n(x0), f.top(), n(x1 - x0), f.bottom() - f.top());
      }
      // above the frame, not inside it, where it would cross the lines
      out.text((x0 + x1) / 2, f.top() - 4, b.label(),
          "font-size=\"10\" fill=\"#4a6785\" text-anchor=\"middle\"");
    }
  }

  private static void drawYGrid(Svg out, Frame f, Axis y) {
    for (double t : y.minorTicks()) {
      double py = f.py(y, t);
      out.raw("<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#f2f2f2\" stroke-width=\"1\"/>",
          f.left(), n(py), f.right(), n(py));
    }
    for (double t : y.ticks()) {
      double py = f.py(y, t);
      out.raw("<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>",
          f.left(), n(py), f.right(), n(py));
    }
  }

  private void drawXAxis(Svg out, Frame f) {
    for (double t : f.x().ticks()) {
      double px = f.px(t);
      out.raw("<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#f0f0f0\" stroke-width=\"1\"/>",
          n(px), f.top(), n(px), f.bottom());
      out.raw("<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#888888\" stroke-width=\"1\"/>",
          n(px), f.bottom(), n(px), f.bottom() + 4);
      out.text(px, f.bottom() + 16, Axis.label(t), "font-size=\"11\" fill=\"#333333\" text-anchor=\"middle\"");
    }
    String suffix = f.x().log() ? " (log scale)" : "";
    out.text((f.left() + f.right()) / 2.0, HEIGHT - 10, xTitle + suffix,
        "font-size=\"12\" fill=\"#333333\" text-anchor=\"middle\"");
  }

  private static void drawYAxis(
      Svg out, Frame f, Axis y, int edge, String anchor, int offset, String axisTitle, int titleX, int rotate) {
    for (double t : y.ticks()) {
      double py = f.py(y, t);
      out.raw("<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"#888888\" stroke-width=\"1\"/>",
          edge, n(py), edge + Integer.signum(offset) * 4, n(py));
      out.text(edge + offset, py + 4, Axis.label(t),
          "font-size=\"11\" fill=\"#333333\" text-anchor=\"" + anchor + "\"");
    }
    double middle = (f.top() + f.bottom()) / 2.0;
    String title = axisTitle + (y.log() ? " (log scale)" : "");
    out.text(titleX, middle, title, String.format(Locale.ROOT,
        "font-size=\"12\" fill=\"#333333\" text-anchor=\"middle\" transform=\"rotate(%d %d %s)\"",
        rotate, titleX, n(middle)));
  }

  private static void drawSeries(Svg out, Frame f, Axis y, Series s) {
    List<List<double[]>> runs = new ArrayList<>();
    List<double[]> run = new ArrayList<>();
    for (Series.Point p : s.points()) {
      double px = f.px(p.x());
      double py = Double.isFinite(p.y()) ? f.py(y, p.y()) : Double.NaN;
      if (Double.isFinite(px) && Double.isFinite(py)) {
        run.add(new double[] {px, py});
      } else if (!run.isEmpty()) {
        runs.add(run);
        run = new ArrayList<>();
      }
    }
    if (!run.isEmpty()) {
      runs.add(run);
    }
    String dash = s.isDashed() ? " stroke-dasharray=\"6 4\"" : "";
    for (List<double[]> r : runs) {
      if (r.size() > 1) {
        StringBuilder d = new StringBuilder();
        for (double[] p : r) {
          d.append(d.length() == 0 ? "M" : " L").append(n(p[0])).append(' ').append(n(p[1]));
        }
        out.raw("<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" stroke-linejoin=\"round\"%s/>",
            d, s.color(), dash);
      }
      if (s.markers() || r.size() == 1) { // a lone point would be invisible as a line
        for (double[] p : r) {
          out.raw("<circle cx=\"%s\" cy=\"%s\" r=\"%s\" fill=\"%s\"/>", n(p[0]), n(p[1]),
              s.markers() ? "3.2" : "2", s.color());
        }
      }
    }
  }

  /** A font size at most {@code size} at which the text fits the chart's width, roughly. */
  private static String fitting(String text, double size, int weight) {
    double perChar = (weight >= 600 ? 0.6 : 0.56) * size;
    double fit = (WIDTH - 24) / Math.max(1, text.length() * perChar / size);
    return n(Math.max(8, Math.min(size, fit)));
  }

  private static String n(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
