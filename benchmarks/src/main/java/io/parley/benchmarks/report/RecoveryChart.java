package io.parley.benchmarks.report;

import static io.parley.benchmarks.report.ResultFiles.number;

import io.parley.benchmarks.report.ResultFiles.Result;
import io.parley.benchmarks.report.Series.Point;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * W5: the median recovery time of a long room against its history's length, one line per
 * journal database and snapshot setting (bin/recovery's recovery-*.json).
 */
final class RecoveryChart {

  private RecoveryChart() {}

  static List<Chart> of(List<Result> runs, ResultFiles files) {
    // series name -> points; TreeMap: the same legend order whatever the file order
    Map<String, List<Point>> lines = new TreeMap<>();
    for (Result r : runs) {
      double events = number(r.json(), "events");
      double median = number(r.json(), "recoveryMillis.median");
      if (Double.isNaN(events) || Double.isNaN(median)) {
        files.skip(r, "no events or recoveryMillis.median (not a bin/recovery result?)");
        continue;
      }
      lines.computeIfAbsent(seriesName(r), k -> new ArrayList<>()).add(new Point(events, median));
    }
    if (lines.isEmpty()) {
      return List.of();
    }
    LineChart chart =
        new LineChart("W5: recovery time of a long room")
            .subtitle("median of the timed recoveries of each run (" + runs.size()
                + " files); no snapshots = a replay of the whole journal")
            .xAxis("events in the room's history", true, true)
            .leftAxis("recovery median (ms)", true);
    lines.forEach((name, points) -> {
      points.sort(Comparator.comparingDouble(Point::x));
      Series s = Series.of(name, name.startsWith("PostgreSQL") ? Colors.ORANGE : Colors.BLUE, points)
          .withMarkers();
      chart.add(name.contains("no snapshots") ? s.dashed() : s);
    });
    return List.of(Chart.of("recovery.svg", chart, "W5: recovery time"));
  }

  /** "H2, snapshots every 100" or "PostgreSQL, no snapshots". */
  private static String seriesName(Result r) {
    String db = ResultFiles.text(r.json(), "database", "?");
    String database = switch (db) {
      case "h2" -> "H2";
      case "postgresql" -> "PostgreSQL";
      default -> db;
    };
    double every = number(r.json(), "snapshotEvery");
    // runs without snapshots leave snapshotEvery null (or 0): every event is replayed
    return every > 0 ? database + ", snapshots every " + RunCharts.fmt(every) : database + ", no snapshots";
  }
}
