package io.parley.benchmarks.idle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The live objects of a JVM by class, from {@code jcmd PID GC.class_histogram}. */
record ClassHistogram(long instances, long bytes, Map<String, long[]> byClass) {

  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+).*$");

  static ClassHistogram parse(String text) {
    Map<String, long[]> byClass = new HashMap<>();
    long instances = 0;
    long bytes = 0;
    for (String line : text.split("\n")) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        byClass.merge(
            row.group(3),
            new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        continue;
      }
      Matcher total = TOTAL.matcher(line);
      if (total.matches()) {
        instances = Long.parseLong(total.group(1));
        bytes = Long.parseLong(total.group(2));
      }
    }
    return new ClassHistogram(instances, bytes, byClass);
  }

  /** The {@code top} classes that grew most since {@code base}, per connection. */
  List<Map<String, Object>> growthPerConnection(ClassHistogram base, long connections, int top) {
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    for (Map.Entry<String, long[]> e : byClass.entrySet()) {
      long[] before = base.byClass.getOrDefault(e.getKey(), new long[2]);
      grown.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - before[0], e.getValue()[1] - before[1]}));
    }
    grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(top, grown.size()))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("class", e.getKey());
      row.put("instancesPerConnection", Numbers.round((double) e.getValue()[0] / connections));
      row.put("bytesPerConnection", Numbers.round((double) e.getValue()[1] / connections));
      rows.add(row);
    }
    return rows;
  }
}
