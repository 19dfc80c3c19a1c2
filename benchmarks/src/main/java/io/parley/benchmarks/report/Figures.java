package io.parley.benchmarks.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The charts RESULTS.md shows: kept, and committed, in results/figures; every other chart is
 * generated output that is not. RESULTS.md is the one list of them, so nothing else has to be
 * kept in step with it: a chart it links there is rewritten from its result, and a file there
 * that it no longer links is removed.
 */
final class Figures {

  /** A Markdown link or image whose target is an .svg file: {@code ](results/figures/x.svg)}. */
  private static final Pattern SVG_LINK = Pattern.compile("\\]\\(([^)\\s]+\\.svg)\\)");

  private Figures() {}

  /** The file names in {@code dir} that {@code markdown} links to. */
  static Set<String> linked(Path markdown, Path dir) throws IOException {
    Path base = markdown.toAbsolutePath().getParent();
    Path folder = dir.toAbsolutePath().normalize();
    Set<String> names = new TreeSet<>();
    Matcher m = SVG_LINK.matcher(Files.readString(markdown));
    while (m.find()) {
      Path target = base.resolve(m.group(1)).normalize();
      if (folder.equals(target.getParent())) {
        names.add(target.getFileName().toString());
      }
    }
    return names;
  }

  /** Writes the linked charts among {@code charts} into {@code dir}; removes unlinked .svg files. */
  static void refresh(Path markdown, Path dir, List<Chart> charts, PrintStream messages)
      throws IOException {
    if (!Files.isRegularFile(markdown)) {
      messages.println("no " + markdown + ": figures in " + dir + " left as they are");
      return;
    }
    Set<String> linked = linked(markdown, dir);
    Map<String, Chart> made = charts.stream().collect(Collectors.toMap(Chart::fileName, Function.identity()));
    Files.createDirectories(dir);
    for (String name : linked) {
      Chart c = made.get(name);
      if (c == null) {
        // kept: a result file missing from this checkout should not cost the committed figure
        messages.printf("%s shows %s, which no result made: left as it is%n", markdown.getFileName(), name);
      } else {
        Files.writeString(dir.resolve(name), c.svg());
      }
    }
    List<Path> unlinked;
    try (Stream<Path> files = Files.list(dir)) {
      unlinked = files.filter(p -> p.getFileName().toString().endsWith(".svg")
          && !linked.contains(p.getFileName().toString())).toList();
    }
    for (Path p : unlinked) {
      Files.delete(p);
    }
    messages.printf("%d figures of %s in %s%s%n", linked.size(), markdown.getFileName(), dir,
        unlinked.isEmpty() ? "" : "; removed " + unlinked.size() + " it no longer shows");
  }
}
