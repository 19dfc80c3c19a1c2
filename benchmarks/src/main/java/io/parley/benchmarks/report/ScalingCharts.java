package io.parley.benchmarks.report;

import static io.parley.benchmarks.report.ResultFiles.number;

import io.parley.benchmarks.report.ResultFiles.Result;
import io.parley.benchmarks.report.Series.Point;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Scaling curves from a set of load runs that differ in one option (connections, room size):
 * cursor latency and node CPU, deliveries and node RSS, each against that option. One point per
 * run, from its measured-window totals.
 */
final class ScalingCharts {

  /**
   * Which runs and what varies: {@code name} names the files ("scale-conn"), {@code xPath} is the
   * option in the JSON ("options.clients"), {@code xTitle} the axis title.
   */
  record Sweep(String name, String glob, String xPath, String xTitle) {}

  private ScalingCharts() {}

  static List<Chart> of(Sweep sweep, List<Result> runs, ResultFiles files) {
    List<Result> usable = new ArrayList<>();
    for (Result r : runs) {
      if (Double.isNaN(number(r.json(), sweep.xPath()))) {
        files.skip(r, "no " + sweep.xPath() + " (not a bin/load result?)");
      } else {
        usable.add(r);
      }
    }
    if (usable.isEmpty()) {
      return List.of();
    }
    usable.sort(Comparator.comparingDouble(r -> number(r.json(), sweep.xPath())));
    String subtitle = usable.size() + " runs (" + sweep.glob() + "), " + sameFor(usable);
    String about = sweep.xTitle();

    LineChart latency =
        new LineChart(sweep.name() + ": cursor latency and node CPU vs " + about)
            .subtitle(subtitle)
            .xAxis(about, true, true) // log when wide: room sizes 10 to 1000
            .leftAxis("cursor latency (ms)", true)
            .rightAxis("node cores")
            .add(line("p50", Colors.GREEN, usable, sweep, "cursors.latencyMs.p50"))
            .add(line("p99", Colors.VERMILLION, usable, sweep, "cursors.latencyMs.p99"))
            .add(line("ack p99", Colors.PURPLE, usable, sweep, "durable.ackLatencyMs.p99").dashed())
            .add(line("node cores", Colors.BLUE, usable, sweep, "server.coresUsedMeasured").onRightAxis());
    LineChart load =
        new LineChart(sweep.name() + ": deliveries and node RSS vs " + about)
            .subtitle(subtitle)
            .xAxis(about, true, true)
            .leftAxis("deliveries per second", false)
            .rightAxis("node RSS (MiB)")
            .add(line("deliveries/s", Colors.GREEN, usable, sweep, "deliveries.deliveriesPerSecond"))
            .add(line("cursor moves sent/s", Colors.ORANGE, usable, sweep, "cursors.movesSentPerSecond").dashed())
            .add(line("node RSS at end of window", Colors.PURPLE, usable, sweep, "server.rssMiBAtMeasureEnd")
                .onRightAxis());
    List<Chart> charts = new ArrayList<>();
    if (latency.hasValues()) {
      charts.add(Chart.of(sweep.name() + "-latency-cpu.svg", latency, sweep.name() + ": latency and CPU"));
    }
    if (load.hasValues()) {
      charts.add(Chart.of(sweep.name() + "-deliveries-rss.svg", load, sweep.name() + ": deliveries and RSS"));
    }
    return charts;
  }

  private static Series line(String name, Color color, List<Result> runs, Sweep sweep, String yPath) {
    List<Point> points = new ArrayList<>();
    for (Result r : runs) {
      points.add(new Point(number(r.json(), sweep.xPath()), number(r.json(), yPath)));
    }
    return Series.of(name, color, points).withMarkers();
  }

  /** What the runs share, so the reader knows what was held fixed: "rooms of 10, cursors 1 Hz". */
  private static String sameFor(List<Result> runs) {
    List<String> parts = new ArrayList<>();
    parts.add(values(runs, "%s clients", r -> number(r.json(), "options.clients")));
    parts.add(values(runs, "rooms of %s", r -> number(r.json(), "options.roomSize")));
    parts.add(values(runs, "cursors %s Hz", r -> number(r.json(), "options.cursorHz")));
    parts.add(values(runs, "%s s measured", r -> number(r.json(), "options.durationSeconds")));
    return String.join(", ", parts);
  }

  /** {@code template} with the one value all runs share, or their range. */
  private static String values(List<Result> runs, String template, ToDoubleFunction<Result> f) {
    TreeSet<Double> distinct = new TreeSet<>();
    runs.forEach(r -> distinct.add(f.applyAsDouble(r)));
    String value = distinct.size() == 1
        ? RunCharts.fmt(distinct.first())
        : RunCharts.fmt(distinct.first()) + "–" + RunCharts.fmt(distinct.last());
    return String.format(template, value);
  }
}
