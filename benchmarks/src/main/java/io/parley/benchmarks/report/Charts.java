package io.parley.benchmarks.report;

import static io.parley.benchmarks.report.IndexPage.escape;

import io.parley.benchmarks.report.IndexPage.Group;
import io.parley.benchmarks.report.IndexPage.Section;
import io.parley.benchmarks.report.ResultFiles.Result;
import io.parley.benchmarks.report.ScalingCharts.Sweep;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Charts of the benchmark results: reads the JSON files of benchmarks/results and writes SVG
 * charts and an index.html into results/charts (generated, not committed), and the charts
 * RESULTS.md shows into results/figures ({@link Figures}). See benchmarks/README.md and bin/charts.
 */
public final class Charts {

  /** Command-line options; the globs match file names in the results folder. */
  record Options(
      Path results, Path out, String runs, String scaling, String scalingRoom, String recovery,
      String memory) {

    /** Where the committed figures are: results/figures. */
    Path figures() {
      return results.resolve("figures");
    }

    /** The page that says which charts are figures: RESULTS.md beside the results folder. */
    Path shownIn() {
      return results.toAbsolutePath().getParent().resolve("RESULTS.md");
    }

    static Options parse(String[] args) {
      Path results = Path.of("results");
      Path out = null;
      String runs = "*.json";
      String scaling = "scale-conn-*.json";
      String scalingRoom = "scale-room-*.json";
      String recovery = "recovery-*.json";
      String memory = "w3-*.json";
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value for " + a + " (--help)");
        }
        String v = args[++i];
        switch (a) {
          case "--results" -> results = Path.of(v);
          case "--out" -> out = Path.of(v);
          case "--runs" -> runs = v;
          case "--scaling" -> scaling = v;
          case "--scaling-room" -> scalingRoom = v;
          case "--recovery" -> recovery = v;
          case "--memory" -> memory = v;
          default -> throw new IllegalArgumentException("unknown option " + a + " (--help)");
        }
      }
      return new Options(results, out != null ? out : results.resolve("charts"), runs, scaling,
          scalingRoom, recovery, memory);
    }
  }

  static final String USAGE =
      """
      Charts [--results DIR] [--out DIR] [--runs GLOB] [--scaling GLOB] [--scaling-room GLOB]
             [--recovery GLOB] [--memory GLOB]
        Reads the result JSON files in DIR (default: results) and writes SVG charts and an
        index.html showing them all into --out (default: DIR/charts); older .svg files there
        are removed. The charts that RESULTS.md (beside DIR) shows from DIR/figures are written
        there too, and .svg files there that it does not show are removed. Globs match file
        names in DIR:
          --runs          load runs charted second by second, if they have a timeline  (*.json)
          --scaling       load runs against their connections, options.clients   (scale-conn-*.json)
          --scaling-room  load runs against their room size, options.roomSize    (scale-room-*.json)
          --recovery      W5 recovery runs, median against events                 (recovery-*.json)
          --memory        W3 steps, memory per connection against connections     (w3-*.json)
        A file that cannot be read, or lacks what a chart needs, is skipped with a message.""";

  public static void main(String[] args) throws IOException {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(USAGE);
      return;
    }
    try {
      write(Options.parse(args), System.out);
    } catch (IllegalArgumentException | NoSuchFileException e) {
      System.err.println("charts: " + e.getMessage());
      System.exit(2);
    }
  }

  /** Writes the charts, index.html and the figures; returns the charts written. */
  static List<Chart> write(Options o, PrintStream messages) throws IOException {
    if (!Files.isDirectory(o.results())) {
      throw new NoSuchFileException("no results folder " + o.results().toAbsolutePath());
    }
    ResultFiles files = new ResultFiles(o.results(), messages);
    List<Section> sections = new ArrayList<>();
    sections.add(scaling(o, files));
    sections.add(new Section("recovery", "W5 — recovery of a long room", "",
        List.of(new Group("", "", RecoveryChart.of(files.matching(o.recovery()), files)))));
    sections.add(new Section("memory", "W3 — memory per connection", "",
        List.of(new Group("", "", MemoryChart.of(files.matching(o.memory()), files)))));
    sections.add(runs(o, files));

    List<Chart> charts = sections.stream()
        .flatMap(s -> s.groups().stream())
        .flatMap(g -> g.charts().stream())
        .toList();
    Files.createDirectories(o.out());
    Set<String> written = new HashSet<>();
    for (Chart c : charts) {
      Files.writeString(o.out().resolve(c.fileName()), c.svg());
      written.add(c.fileName());
    }
    removeOlderCharts(o.out(), written, messages);
    String intro = "Made by <code>benchmarks/bin/charts</code> on "
        + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " from the result files in <code>"
        + escape(o.results().toString()) + "</code>; generated, not committed (the charts"
        + " <code>RESULTS.md</code> shows are in <code>results/figures</code>). How each figure was"
        + " measured: <code>benchmarks/README.md</code> and <code>RESULTS.md</code>.";
    Files.writeString(o.out().resolve("index.html"),
        IndexPage.render("Parley benchmark charts", intro, sections));
    messages.printf("wrote %d charts and index.html to %s%n", charts.size(), o.out());
    Figures.refresh(o.shownIn(), o.figures(), charts, messages);
    return charts;
  }

  private static Section scaling(Options o, ResultFiles files) throws IOException {
    List<Group> groups = new ArrayList<>();
    for (Sweep sweep : List.of(
        new Sweep("scale-conn", o.scaling(), "options.clients", "connections"),
        new Sweep("scale-room", o.scalingRoom(), "options.roomSize", "room size"))) {
      List<Result> runs = files.matching(sweep.glob());
      if (runs.isEmpty()) {
        files.note("no files match " + sweep.glob() + ": no " + sweep.name() + " charts");
        continue;
      }
      groups.add(new Group("Against " + sweep.xTitle(),
          "One point per run: the totals of its measured window. Files: " + names(runs),
          ScalingCharts.of(sweep, runs, files)));
    }
    String hint = groups.isEmpty()
        ? "No results matching " + escape(o.scaling()) + " or " + escape(o.scalingRoom())
            + " yet: <code>benchmarks/bin/scaling</code> makes them."
        : "";
    return new Section("scaling", "Scaling: connections and room size", hint, groups);
  }

  private static Section runs(Options o, ResultFiles files) throws IOException {
    List<Group> groups = new ArrayList<>();
    List<String> withoutTimeline = new ArrayList<>();
    for (Result r : files.matching(o.runs())) {
      if (!"load".equals(ResultFiles.text(r.json(), "benchmark", ""))) {
        continue; // not a bin/load result: charted elsewhere, or not at all
      }
      if (!RunCharts.hasTimeline(r)) {
        withoutTimeline.add(r.name());
        continue;
      }
      String note = "<code>" + escape(ResultFiles.text(r.json(), "command", r.name())) + "</code>";
      groups.add(new Group(r.name() + " — " + RunCharts.describe(r.json()), note, RunCharts.of(r)));
    }
    String intro = withoutTimeline.isEmpty() ? ""
        : "Without a per-second timeline (made before the load generator wrote one): "
            + escape(String.join(", ", withoutTimeline)) + ".";
    String lead = "Second by second over warm-up, measured window (shaded) and drain. Latencies are"
        + " those of the entries that arrived in each second, whenever they were sent.";
    return new Section("runs", "Load runs, second by second",
        groups.isEmpty() ? intro : lead + (intro.isEmpty() ? "" : " " + intro), groups);
  }

  private static String names(List<Result> runs) {
    return escape(String.join(", ", runs.stream().map(Result::name).toList()));
  }

  /** The folder is this tool's output: an .svg it did not write this time is a stale chart. */
  private static void removeOlderCharts(Path out, Set<String> written, PrintStream messages)
      throws IOException {
    List<Path> stale;
    try (Stream<Path> files = Files.list(out)) {
      stale = files.filter(p -> p.getFileName().toString().endsWith(".svg")
          && !written.contains(p.getFileName().toString())).toList();
    }
    for (Path p : stale) {
      Files.delete(p);
    }
    if (!stale.isEmpty()) {
      messages.printf("removed %d older charts from %s%n", stale.size(), out);
    }
  }
}
