package io.parley.benchmarks.report;

import static io.parley.benchmarks.report.ResultFiles.number;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.benchmarks.report.ResultFiles.Result;
import io.parley.benchmarks.report.Series.Point;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * W3: memory per connection against open connections, one chart per w3-*.json (bin/w3's
 * {@code steps[].perConnection}, see W3Report), with the target as a flat line. Only
 * the headline figures: the report's per-category NMT breakdown would bury them in a legend of
 * 17 lines.
 */
final class MemoryChart {

  /** A figure of {@code steps[].perConnection}, in KiB, and how it is drawn. */
  private record Figure(String name, String path, Color color, boolean dashed) {}

  private static final List<Figure> FIGURES = List.of(
      new Figure("RSS after full GC", "rssKiB", Colors.PURPLE, false),
      new Figure("RSS before full GC", "rssKiBBeforeFullGc", Colors.PURPLE, true),
      new Figure("heap used", "heapUsedKiB", Colors.BLUE, false),
      new Figure("live objects", "liveObjectsKiB", Colors.GREEN, false),
      new Figure("native (NMT total)", "nativeMemoryTrackingCommittedKiB.Total", Colors.ORANGE, false));

  private MemoryChart() {}

  static List<Chart> of(List<Result> runs, ResultFiles files) {
    List<Chart> charts = new ArrayList<>();
    for (Result r : runs) {
      List<JsonNode> steps = new ArrayList<>();
      // steps above the node's open-file limit are in the report too, not run: no figures
      r.json().path("steps").forEach(s -> {
        if (s.path("perConnection").isObject() && Double.isFinite(number(s, "connections"))) {
          steps.add(s);
        }
      });
      if (steps.isEmpty()) {
        files.skip(r, "no steps with connections and perConnection figures (not a bin/w3 result?)");
        continue;
      }
      steps.sort(Comparator.comparingDouble(s -> number(s, "connections")));
      LineChart chart =
          new LineChart(r.name() + ": memory per connection")
              .subtitle(steps.size() + " steps; each figure's growth over the node without"
                  + " connections, divided by the connections")
              .xAxis("open connections", true, true)
              .leftAxis("KiB per connection", false);
      for (Figure f : FIGURES) {
        List<Point> points = steps.stream()
            .map(s -> new Point(number(s, "connections"), number(s.path("perConnection"), f.path())))
            .toList();
        Series s = Series.of(f.name(), f.color(), points).withMarkers();
        chart.add(f.dashed() ? s.dashed() : s);
      }
      double target = number(r.json(), "targetKiBPerConnection");
      chart.add(Series.of("target", Colors.GREY, List.of(
          new Point(number(steps.get(0), "connections"), target),
          new Point(number(steps.get(steps.size() - 1), "connections"), target))).dashed());
      charts.add(Chart.of(r.name() + "-memory.svg", chart, r.name() + ": memory per connection"));
    }
    return charts;
  }
}
