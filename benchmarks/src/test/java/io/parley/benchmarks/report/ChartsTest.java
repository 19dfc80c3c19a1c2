package io.parley.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * A results folder with a few small files, laid out as benchmarks/ is (results/ beside
 * RESULTS.md): the charts come out as SVG documents with their series named in text, the
 * figures RESULTS.md shows are kept in step with it, bad files are skipped.
 */
class ChartsTest {

  static final String LOAD_RUN =
      """
      {"benchmark":"load","command":"bin/load --clients 20","date":"2026-11-22T00:00:00Z",
       "options":{"clients":20,"roomSize":10,"cursorHz":10,"durablePerSecond":0,
                  "warmupSeconds":1,"durationSeconds":2},
       "cursors":{"latencyMs":{"p50":30,"p99":80}}, "server":{"coresUsedMeasured":0.7},
       "timeline":[
        {"second":0,"phase":"warmup","startMs":1000,"endMs":2000,"cursorEntriesPerSecond":900,
         "cursorLatencyMs":{"p50":40,"p95":90,"p99":120,"max":4000},"serverCores":1.1,"serverRssMiB":300},
        {"second":1,"phase":"measured","startMs":2000,"endMs":3000,"cursorEntriesPerSecond":950,
         "cursorLatencyMs":null,"serverCores":0.9,"serverRssMiB":310},
        {"second":2,"phase":"measured","startMs":3000,"endMs":4000,"cursorEntriesPerSecond":960,
         "cursorLatencyMs":{"p50":30,"p95":60,"p99":80,"max":95},"serverCores":0.8,"serverRssMiB":312}]}
      """;

  static final String W3_RUN =
      """
      {"benchmark":"w3","targetKiBPerConnection":30,"steps":[
        {"step":"500","connections":500,"runnable":true,"perConnection":{"rssKiB":90,
         "rssKiBBeforeFullGc":95,"heapUsedKiB":60,"liveObjectsKiB":55,
         "nativeMemoryTrackingCommittedKiB":{"Total":4,"Code":3}}},
        {"step":"max","connections":19000,"runnable":true,"perConnection":{"rssKiB":80,
         "rssKiBBeforeFullGc":82,"heapUsedKiB":58,"liveObjectsKiB":56,
         "nativeMemoryTrackingCommittedKiB":{"Total":3,"Code":2}}},
        {"step":"50000","connections":50000,"runnable":false,"reason":"open-file limit"}]}
      """;

  @TempDir Path root;
  Path results;
  final ByteArrayOutputStream messages = new ByteArrayOutputStream();

  @BeforeEach
  void results() throws Exception {
    results = Files.createDirectories(root.resolve("results"));
    Files.writeString(results.resolve("scale-conn-20.json"), LOAD_RUN);
    Files.writeString(results.resolve("recovery-h2-1000-every100.json"),
        "{\"database\":\"h2\",\"events\":1000,\"snapshotEvery\":100,\"recoveryMillis\":{\"median\":12.5}}");
    Files.writeString(results.resolve("w3-small.json"), W3_RUN);
    Files.writeString(results.resolve("w3-half-written.json"), "{\"steps\": [ {\"connections\": 10");
    Files.writeString(results.resolve("w3-other.json"), "{\"figures\": {\"a\": 1}}");
  }

  @Test
  void writesEachChartAsAnSvgDocumentNamingItsSeriesAndAnIndexOfThem() throws Exception {
    List<Chart> charts = write();

    assertThat(charts).extracting(Chart::fileName).contains(
        "scale-conn-20-latency.svg", "scale-conn-20-cpu-rss.svg", "scale-conn-latency-cpu.svg",
        "recovery.svg", "w3-small-memory.svg");
    Path out = results.resolve("charts");
    for (Chart c : charts) {
      assertThat(svgRoot(out.resolve(c.fileName())).getDocumentElement().getLocalName()).isEqualTo("svg");
    }
    assertThat(texts(out.resolve("scale-conn-20-latency.svg")))
        .contains("scale-conn-20: cursor latency per second", "p50", "p95", "p99", "max", "measured window");
    assertThat(texts(out.resolve("scale-conn-20-cpu-rss.svg"))).contains("node cores", "node RSS (right axis)");
    assertThat(texts(out.resolve("recovery.svg"))).contains("H2, snapshots every 100");
    assertThat(texts(out.resolve("w3-small-memory.svg")))
        .contains("RSS after full GC", "native (NMT total)", "target")
        .doesNotContain("nativeMemoryTrackingCommittedKiB.Code");
    String index = Files.readString(out.resolve("index.html"));
    for (Chart c : charts) {
      assertThat(index).contains("<img src=\"" + c.fileName() + "\"");
    }
    assertThat(index).doesNotContain("<script").doesNotContain("<link");
  }

  @Test
  void skipsWhatItCannotReadAndSaysWhy() throws Exception {
    write();

    assertThat(messages.toString(StandardCharsets.UTF_8))
        .contains("skipping w3-half-written.json: cannot read it as JSON")
        .contains("skipping w3-other.json: no steps");
  }

  @Test
  void keepsTheFiguresResultsMdShowsAndOnlyThose() throws Exception {
    Files.writeString(root.resolve("RESULTS.md"), """
        ![W5](results/figures/recovery.svg) and [a chart of a result not here](results/figures/gone.svg);
        [not a figure](results/charts/recovery.svg)
        """);
    Path figures = Files.createDirectories(results.resolve("figures"));
    Files.writeString(figures.resolve("gone.svg"), "<svg/>");
    Files.writeString(figures.resolve("no-longer-shown.svg"), "<svg/>");

    write();

    try (Stream<Path> files = Files.list(figures)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("recovery.svg", "gone.svg");
    }
    assertThat(figures.resolve("recovery.svg")).hasSameTextualContentAs(results.resolve("charts/recovery.svg"));
    assertThat(figures.resolve("gone.svg")).hasContent("<svg/>");
    assertThat(messages.toString(StandardCharsets.UTF_8))
        .contains("RESULTS.md shows gone.svg, which no result made");
  }

  @Test
  void theSameResultsGiveTheSameFiles() throws Exception {
    // a figure is committed: charts made again from unchanged results must not show as changed
    List<Chart> first = write();
    List<Chart> second = write();

    assertThat(second).isEqualTo(first);
  }

  private List<Chart> write() throws Exception {
    return Charts.write(Charts.Options.parse(new String[] {"--results", results.toString()}),
        new PrintStream(messages, true, StandardCharsets.UTF_8));
  }

  private static Document svgRoot(Path svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(svg.toFile()); // throws unless well-formed
  }

  /** The text elements of an SVG file: titles, legend, axis labels, each as text, not outlines. */
  private static List<String> texts(Path svg) throws Exception {
    NodeList nodes = svgRoot(svg).getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent());
    }
    return texts;
  }
}
