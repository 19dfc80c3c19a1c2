package io.parley.benchmarks.report;

import java.awt.Color;
import java.util.List;

/**
 * One line of a chart, its points in x order. A point with a NaN y breaks the line: a second in
 * which nothing arrived has no latency, and joining its neighbours would invent one.
 */
record Series(
    String name, Color color, List<Point> points, boolean isDashed, boolean rightAxis, boolean markers) {

  record Point(double x, double y) {}

  static Series of(String name, Color color, List<Point> points) {
    return new Series(name, color, List.copyOf(points), false, false, false);
  }

  Series dashed() {
    return new Series(name, color, points, true, rightAxis, markers);
  }

  /** On the chart's right axis: a second unit (cores beside latency, MiB beside cores). */
  Series onRightAxis() {
    return new Series(name, color, points, isDashed, true, markers);
  }

  /** A dot on each point: for a few measured runs, where the line between them is a guess. */
  Series withMarkers() {
    return new Series(name, color, points, isDashed, rightAxis, true);
  }

  boolean hasValues() {
    return points.stream().anyMatch(p -> Double.isFinite(p.y()));
  }

  /**
   * Whether point {@code i} has a value but neither neighbour has one: a line needs two points,
   * so without a dot of its own that second would not show at all.
   */
  boolean isLone(int i) {
    return Double.isFinite(points.get(i).y()) && !hasValueAt(i - 1) && !hasValueAt(i + 1);
  }

  private boolean hasValueAt(int i) {
    return i >= 0 && i < points.size() && Double.isFinite(points.get(i).y());
  }
}
