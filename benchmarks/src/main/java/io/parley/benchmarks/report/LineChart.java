package io.parley.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * What a line chart shows: title, subtitle, axis titles, series (some on a right axis for a
 * second unit), marked x ranges, and which axes are wide enough for a log scale. How it is drawn
 * is {@link SvgRenderer}'s business.
 */
final class LineChart {

  /**
   * From this ratio of largest to smallest value on, a log axis: a saturated node's p50 and max
   * differ a thousandfold, and on a linear axis everything but the max sits on the floor.
   */
  static final double LOG_FROM_RATIO = 50;

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

  /** The left axis; log allowed: a log scale when its values span a wide range. */
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

  /** The series with something to draw; an empty one would only clutter the legend. */
  List<Series> drawn() {
    return series.stream().filter(Series::hasValues).toList();
  }

  boolean xLog() {
    return xLogAllowed && isWide(drawn(), s -> true, Series.Point::x);
  }

  boolean leftLog() {
    return leftLogAllowed && isWide(drawn(), s -> !s.rightAxis(), Series.Point::y);
  }

  /**
   * Whether the values of the points that have a y span {@link #LOG_FROM_RATIO} or more, all
   * above zero (which a log axis has no place for).
   */
  private static boolean isWide(List<Series> drawn, Predicate<Series> which, ToDoubleFunction<Series.Point> value) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : drawn) {
      if (!which.test(s)) {
        continue;
      }
      for (Series.Point p : s.points()) {
        double v = value.applyAsDouble(p);
        if (Double.isFinite(v) && Double.isFinite(p.y())) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    return lo > 0 && hi / lo >= LOG_FROM_RATIO;
  }

  String title() {
    return title;
  }

  String subtitle() {
    return subtitle;
  }

  String xTitle() {
    return xTitle;
  }

  boolean xFromZero() {
    return xFromZero;
  }

  String leftTitle() {
    return leftTitle;
  }

  String rightTitle() {
    return rightTitle;
  }

  List<Band> bands() {
    return List.copyOf(bands);
  }
}
