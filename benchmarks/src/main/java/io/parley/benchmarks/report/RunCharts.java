package io.parley.benchmarks.report;

import static io.parley.benchmarks.report.ResultFiles.number;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.benchmarks.report.ResultFiles.Result;
import io.parley.benchmarks.report.Series.Point;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The charts of one load run, from the "timeline" of bin/load's JSON (one row per second):
 * latency percentiles, deliveries per second, and the node's CPU and RSS over time, the
 * measured window shaded.
 */
final class RunCharts {

  private final Result run;
  private final List<JsonNode> rows = new ArrayList<>();
  private final double t0Ms;

  private RunCharts(Result run) {
    this.run = run;
    run.json().path("timeline").forEach(rows::add);
    t0Ms = rows.isEmpty() ? 0 : number(rows.get(0), "startMs");
  }

  static boolean hasTimeline(Result run) {
    JsonNode t = run.json().path("timeline");
    return t.isArray() && !t.isEmpty() && Double.isFinite(number(t.get(0), "startMs"));
  }

  /** Its charts, those with something to draw. */
  static List<Chart> of(Result run) {
    RunCharts c = new RunCharts(run);
    List<Chart> charts = new ArrayList<>();
    c.add(charts, "latency", "cursor latency per second", c.cursorLatency());
    c.add(charts, "durable", "durable change latency per second", c.durableLatency());
    c.add(charts, "throughput", "deliveries per second", c.throughput());
    c.add(charts, "cpu-rss", "node CPU and RSS", c.cpuAndRss());
    return charts;
  }

  /** "1000 clients, rooms of 10, cursors 10 Hz, 2 durable/s; 5 s warm-up, 20 s measured". */
  static String describe(JsonNode json) {
    JsonNode o = json.path("options");
    StringBuilder b = new StringBuilder();
    b.append(fmt(number(o, "clients"))).append(" clients, rooms of ").append(fmt(number(o, "roomSize")));
    double hz = number(o, "cursorHz");
    b.append(hz > 0 ? ", cursors " + fmt(hz) + " Hz" : ", no cursors");
    double durable = number(o, "durablePerSecond");
    if (durable > 0) {
      b.append(", ").append(fmt(durable)).append(" durable changes/s");
    }
    b.append("; ").append(fmt(number(o, "warmupSeconds"))).append(" s warm-up, ")
        .append(fmt(number(o, "durationSeconds"))).append(" s measured");
    String date = ResultFiles.text(json, "date", "");
    if (date.length() >= 10) {
      b.append(" · ").append(date, 0, 10);
    }
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------

  private void add(List<Chart> charts, String suffix, String what, LineChart chart) {
    if (chart.hasValues()) {
      charts.add(Chart.of(run.name() + "-" + suffix + ".svg", chart, run.name() + ": " + what));
    }
  }

  private LineChart cursorLatency() {
    return timeChart("cursor latency per second")
        .leftAxis("latency (ms)", true)
        .add(Series.of("p50", Colors.GREEN, column("cursorLatencyMs.p50")))
        .add(Series.of("p95", Colors.BLUE, column("cursorLatencyMs.p95")))
        .add(Series.of("p99", Colors.VERMILLION, column("cursorLatencyMs.p99")))
        .add(Series.of("max", Colors.GREY, column("cursorLatencyMs.max")).dashed());
  }

  private LineChart durableLatency() {
    return timeChart("durable change latency per second")
        .leftAxis("latency (ms)", true)
        .add(Series.of("event p50", Colors.GREEN, column("durableLatencyMs.p50")))
        .add(Series.of("event p99", Colors.VERMILLION, column("durableLatencyMs.p99")))
        .add(Series.of("ack p50", Colors.SKY, column("ackLatencyMs.p50")).dashed())
        .add(Series.of("ack p99", Colors.PURPLE, column("ackLatencyMs.p99")).dashed());
  }

  private LineChart throughput() {
    return timeChart("deliveries per second")
        .leftAxis("per second", false)
        .rightAxis("acks per second")
        .add(Series.of("cursor entries/s", Colors.BLUE, column("cursorEntriesPerSecond")))
        .add(Series.of("durable events/s", Colors.GREEN, column("durableEventsPerSecond")))
        .add(Series.of("acks/s", Colors.ORANGE, column("acksPerSecond")).dashed().onRightAxis());
  }

  private LineChart cpuAndRss() {
    return timeChart("node CPU and RSS")
        .leftAxis("cores", false)
        .rightAxis("node RSS (MiB)")
        .add(Series.of("node cores", Colors.BLUE, column("serverCores")))
        .add(Series.of("generator cores", Colors.ORANGE, column("generatorCores")).dashed())
        .add(Series.of("machine busy cores", Colors.GREY, column("machineCoresBusy")).dashed())
        .add(Series.of("node RSS", Colors.PURPLE, column("serverRssMiB")).onRightAxis());
  }

  /** A chart over the run's seconds, phases marked: the measured window shaded. */
  private LineChart timeChart(String title) {
    LineChart chart =
        new LineChart(run.name() + ": " + title)
            .subtitle(describe(run.json()))
            .xAxis("seconds since the load started", true, false);
    for (Map.Entry<String, double[]> phase : phases().entrySet()) {
      boolean measured = phase.getKey().equals("measured");
      String label = switch (phase.getKey()) {
        case "warmup" -> "warm-up";
        case "measured" -> "measured window";
        default -> phase.getKey();
      };
      chart.band(new LineChart.Band(phase.getValue()[0], phase.getValue()[1], label, measured));
    }
    return chart;
  }

  /** Each phase's first start and last end, in seconds since the first row. */
  private Map<String, double[]> phases() {
    Map<String, double[]> phases = new LinkedHashMap<>();
    for (JsonNode row : rows) {
      double start = (number(row, "startMs") - t0Ms) / 1000;
      double end = (number(row, "endMs") - t0Ms) / 1000;
      String phase = ResultFiles.text(row, "phase", "?");
      phases.merge(phase, new double[] {start, end},
          (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    return phases;
  }

  /** One value per second, at the middle of its second; NaN where the row has none. */
  private List<Point> column(String path) {
    List<Point> points = new ArrayList<>();
    for (JsonNode row : rows) {
      double mid = ((number(row, "startMs") + number(row, "endMs")) / 2 - t0Ms) / 1000;
      points.add(new Point(mid, number(row, path)));
    }
    return points;
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "?";
    }
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%s", v);
  }
}
