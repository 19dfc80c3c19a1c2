package io.parley.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A results folder with a few small files: the charts come out well-formed, bad files are skipped. */
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

  @Test
  void writesWellFormedSvgAndAnIndexAndSkipsWhatItCannotRead(@TempDir Path results) throws Exception {
    Files.writeString(results.resolve("scale-conn-20.json"), LOAD_RUN);
    Files.writeString(results.resolve("recovery-h2-1000-every100.json"),
        "{\"database\":\"h2\",\"events\":1000,\"snapshotEvery\":100,\"recoveryMillis\":{\"median\":12.5}}");
    Files.writeString(results.resolve("w3-half-written.json"), "{\"steps\": [ {\"connections\": 10");
    Files.writeString(results.resolve("w3-other.json"), "{\"figures\": {\"a\": 1}}");
    ByteArrayOutputStream messages = new ByteArrayOutputStream();

    List<Chart> charts =
        Charts.write(Charts.Options.parse(new String[] {"--results", results.toString()}),
            new PrintStream(messages, true, StandardCharsets.UTF_8));

    assertThat(charts).extracting(Chart::fileName).contains(
        "scale-conn-20-latency.svg", "scale-conn-20-cpu-rss.svg", "scale-conn-latency-cpu.svg",
        "recovery.svg");
    for (Chart c : charts) {
      Path svg = results.resolve("charts").resolve(c.fileName());
      DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new ByteArrayInputStream(Files.readAllBytes(svg))); // throws if not well-formed
    }
    String index = Files.readString(results.resolve("charts/index.html"));
    assertThat(index).contains("<svg").doesNotContain("<script").doesNotContain("<link");
    assertThat(messages.toString(StandardCharsets.UTF_8))
        .contains("skipping w3-half-written.json: cannot read it as JSON")
        .contains("skipping w3-other.json: no steps");
  }

  @Test
  void readsPerConnectionMemoryByItsUnit() {
    assertThat(MemoryChart.kib("rssBytesPerConnection", 2048)).isEqualTo(2.0);
    assertThat(MemoryChart.kib("heap.kibPerConnection", 3)).isEqualTo(3.0);
    assertThat(MemoryChart.kib("rssMiB", 1)).isEqualTo(1024.0);
    assertThat(MemoryChart.kib("rssPerConnection", 1)).isNaN();
  }
}
