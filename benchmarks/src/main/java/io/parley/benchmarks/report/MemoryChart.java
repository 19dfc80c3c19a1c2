package io.parley.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.benchmarks.report.ResultFiles.Result;
import io.parley.benchmarks.report.Series.Point;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * W3: memory per connection against open connections, one chart per w3-*.json. That format is
 * still being settled, so it is read by shape, not by exact names:
 *
 * <ul>
 *   <li>the steps: the first array of objects (the root, "steps", or any field) whose elements
 *       have a connection count ("connections", "openConnections", "connected", "clients");
 *   <li>per step, any number whose name says "per connection" ({@code rssBytesPerConnection},
 *       {@code heap.kibPerConnection}), up to two objects deep, in bytes, KiB or MiB by its name;
 *   <li>without those, absolute RSS or heap figures ({@code rssBytes}, {@code heapUsedMiB}): the
 *       increase over the step with the fewest connections, per connection added.
 * </ul>
 *
 * A file with none of these is skipped with a message saying what was missing.
 */
final class MemoryChart {

  private static final List<String> CONNECTION_FIELDS =
      List.of("connections", "openconnections", "connected", "clients", "idleconnections");

  private MemoryChart() {}

  static List<Chart> of(List<Result> runs, ResultFiles files) {
    List<Chart> charts = new ArrayList<>();
    for (Result r : runs) {
      Optional<List<JsonNode>> steps = steps(r.json());
      if (steps.isEmpty()) {
        files.skip(r, "no steps with a connection count (an array of objects with \"connections\")");
        continue;
      }
      List<JsonNode> sorted = new ArrayList<>(steps.get());
      sorted.sort(Comparator.comparingDouble(MemoryChart::connections));
      Map<String, List<Point>> lines = perConnectionFields(sorted);
      String how = "as reported per connection";
      if (lines.isEmpty()) {
        lines = increasePerConnection(sorted);
        how = "increase over the step with the fewest connections, per connection added";
      }
      if (lines.isEmpty()) {
        files.skip(r, "its steps have no per-connection, RSS or heap figures in bytes, KiB or MiB");
        continue;
      }
      LineChart chart =
          new LineChart(r.name() + ": memory per connection")
              .subtitle(sorted.size() + " steps; " + how)
              .xAxis("open connections", true, true)
              .leftAxis("KiB per connection", false);
      String[] colors = {Colors.PURPLE, Colors.BLUE, Colors.GREEN, Colors.ORANGE, Colors.VERMILLION, Colors.SKY};
      int i = 0;
      for (Map.Entry<String, List<Point>> line : lines.entrySet()) {
        chart.add(Series.of(line.getKey(), colors[i++ % colors.length], line.getValue()).withMarkers());
      }
      if (chart.hasValues()) {
        charts.add(Chart.of(r.name() + "-memory.svg", chart, r.name() + ": memory per connection"));
      } else {
        files.skip(r, "no numbers in its memory figures");
      }
    }
    return charts;
  }

  /** The first array of objects with a connection count: the root, "steps", or any field. */
  static Optional<List<JsonNode>> steps(JsonNode json) {
    List<JsonNode> candidates = new ArrayList<>();
    candidates.add(json);
    candidates.add(json.path("steps"));
    json.fields().forEachRemaining(e -> candidates.add(e.getValue()));
    for (JsonNode c : candidates) {
      if (c.isArray() && !c.isEmpty()) {
        List<JsonNode> steps = new ArrayList<>();
        c.forEach(s -> {
          if (s.isObject() && Double.isFinite(connections(s))) {
            steps.add(s);
          }
        });
        if (!steps.isEmpty()) {
          return Optional.of(steps);
        }
      }
    }
    return Optional.empty();
  }

  static double connections(JsonNode step) {
    for (Iterator<Map.Entry<String, JsonNode>> it = step.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (CONNECTION_FIELDS.contains(e.getKey().toLowerCase(Locale.ROOT)) && e.getValue().isNumber()) {
        return e.getValue().asDouble();
      }
    }
    return Double.NaN;
  }

  private static Map<String, List<Point>> perConnectionFields(List<JsonNode> steps) {
    Map<String, List<Point>> lines = new LinkedHashMap<>();
    for (JsonNode step : steps) {
      double c = connections(step);
      numbers(step, "", 0).forEach((name, value) -> {
        if (name.toLowerCase(Locale.ROOT).contains("perconnection")) {
          double kib = kib(name, value);
          if (Double.isFinite(kib)) {
            lines.computeIfAbsent(name, k -> new ArrayList<>()).add(new Point(c, kib));
          }
        }
      });
    }
    return lines;
  }

  private static Map<String, List<Point>> increasePerConnection(List<JsonNode> steps) {
    Map<String, List<Point>> lines = new LinkedHashMap<>();
    JsonNode base = steps.get(0);
    double c0 = connections(base);
    Map<String, Double> baseValues = numbers(base, "", 0);
    for (JsonNode step : steps.subList(1, steps.size())) {
      double c = connections(step);
      if (!(c > c0)) {
        continue;
      }
      numbers(step, "", 0).forEach((name, value) -> {
        String lower = name.toLowerCase(Locale.ROOT);
        Double before = baseValues.get(name);
        if ((lower.contains("rss") || lower.contains("heap")) && before != null) {
          double kib = kib(name, (value - before) / (c - c0));
          if (Double.isFinite(kib)) {
            lines.computeIfAbsent(name + " increase", k -> new ArrayList<>()).add(new Point(c, kib));
          }
        }
      });
    }
    return lines;
  }

  /** Every number in a step, by dotted name, up to two objects deep. */
  private static Map<String, Double> numbers(JsonNode node, String prefix, int depth) {
    Map<String, Double> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> {
      String name = prefix + e.getKey();
      if (e.getValue().isNumber()) {
        out.put(name, e.getValue().asDouble());
      } else if (e.getValue().isObject() && depth < 2) {
        out.putAll(numbers(e.getValue(), name + ".", depth + 1));
      }
    });
    return out;
  }

  /** A memory figure in KiB, its unit read from its name; NaN when the name gives none. */
  static double kib(String name, double value) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.contains("mib") || n.contains("mb")) {
      return value * 1024;
    }
    if (n.contains("kib") || n.contains("kb")) {
      return value;
    }
    if (n.contains("bytes")) {
      return value / 1024;
    }
    return Double.NaN;
  }
}
