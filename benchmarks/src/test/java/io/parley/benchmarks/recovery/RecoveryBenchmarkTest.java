package io.parley.benchmarks.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few hundred events on H2: the benchmark runs end to end and its checks hold (seconds). */
class RecoveryBenchmarkTest {

  @Test
  @SuppressWarnings("unchecked")
  void recoversASmallRoomWithAndWithoutSnapshots(@TempDir Path results) throws Exception {
    String[] args = {
      "--events", "250", "--db", "h2", "--snapshot-every", "100", "--recoveries", "2",
      "--then-without-snapshots", "1", "--batch", "100", "--results", results.toString()
    };
    RecoveryBenchmark.Options options = RecoveryBenchmark.Options.parse(args);
    ByteArrayOutputStream output = new ByteArrayOutputStream();

    List<RecoveryBenchmark.Report> reports =
        RecoveryBenchmark.run(options, args, new PrintStream(output, true, StandardCharsets.UTF_8));

    assertThat(reports)
        .extracting(RecoveryBenchmark.Report::fileName)
        .containsExactly("recovery-h2-250-every100.json", "recovery-h2-250-none-from-every100.json");
    Map<String, Object> withSnapshots = reports.get(0).json();
    assertThat(withSnapshots.get("journalEvents")).isEqualTo(251L);
    assertThat((Map<String, Object>) withSnapshots.get("snapshot"))
        .containsEntry("latestVersion", 200L);
    assertThat(withSnapshots.get("eventsReplayed")).isEqualTo(51L);
    assertThat((List<Double>) ((Map<String, Object>) withSnapshots.get("recoveryMillis")).get("runs"))
        .hasSize(2);
    Map<String, Object> withoutSnapshots = reports.get(1).json();
    assertThat(withoutSnapshots.get("snapshot")).isNull();
    assertThat(withoutSnapshots.get("eventsReplayed")).isEqualTo(251L);
    assertThat(output.toString(StandardCharsets.UTF_8)).contains("recovery min/median/max");

    Path file = RecoveryBenchmark.write(reports.get(0), results);
    assertThat(Files.readString(file)).contains("\"benchmark\" : \"W5 recovery of a long room\"");
  }

  @Test
  void aJournalWriteEndsOnTheSnapshotInterval() {
    assertThat(batch("--snapshot-every", "100", "--batch", "1000")).isEqualTo(1000);
    assertThat(batch("--snapshot-every", "300", "--batch", "1000")).isEqualTo(900);
    assertThat(batch("--snapshot-every", "5000", "--batch", "1000")).isEqualTo(5000);
    assertThat(batch("--snapshot-every", "0", "--batch", "1000")).isEqualTo(1000);
  }

  private static int batch(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--events";
    all[1] = "1k";
    System.arraycopy(args, 0, all, 2, args.length);
    return RecoveryBenchmark.effectiveBatch(RecoveryBenchmark.Options.parse(all));
  }
}
