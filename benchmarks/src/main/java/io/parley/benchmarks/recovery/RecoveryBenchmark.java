package io.parley.benchmarks.recovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.parley.cluster.ParleyConfig;
import io.parley.persistence.JournalDatabase;
import io.parley.room.RoomCommand;
import io.parley.room.RoomEntity;
import io.parley.room.RoomRuntime;
import io.parley.room.RoomEvent;
import io.parley.room.RoomSettings;
import io.parley.room.RoomState;
import io.parley.room.SessionInbox;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * W5 — recovery of a long room. Writes a room history of {@code --events} events (after the join
 * that opens it) into a fresh journal database, then starts the room's real {@link RoomEntity}
 * several times, each time a fresh one, and measures how long it takes from spawning the entity to
 * its answer to a first {@code GetSnapshot}: loading the latest snapshot, replaying the events
 * after it, the presence check every recovered room makes, and one reply.
 *
 * <pre>
 * benchmarks/bin/recovery --events 100000 --db h2 --snapshot-every 100
 * benchmarks/bin/recovery --events 100000 --db postgresql --snapshot-every 0   # no snapshots
 * benchmarks/bin/recovery --events 1M --db h2 --then-without-snapshots 1
 * </pre>
 *
 * <p>Prints one line per measurement and writes {@code recovery-<db>-<events>-<snapshots>.json}
 * into {@code --results} (default {@code benchmarks/results}), {@code <snapshots>} being {@code
 * every100}, {@code none}, or {@code none-from-every100} for {@code --then-without-snapshots}. See
 * benchmarks/README.md.
 */
public final class RecoveryBenchmark {

  static final String ROOM_ID = "long-room";

  static final String PERSISTENCE_ID = PersistenceId.of(RoomEntity.TYPE_KEY.name(), ROOM_ID).id();

  /** The room's snapshot interval for {@code --snapshot-every 0}: beyond any history written. */
  static final int NO_SNAPSHOTS = 1_000_000_000;

  /** What to run; see {@link #usage()}. */
  record Options(
      long events,
      BenchDatabase.Kind database,
      int snapshotEvery,
      int recoveries,
      int thenWithoutSnapshots,
      int batch,
      Path resultsDir,
      Duration recoveryTimeout,
      String postgresUrl,
      String postgresUser,
      String postgresPassword) {

    private static final List<String> NAMES =
        List.of(
            "events", "db", "snapshot-every", "recoveries", "then-without-snapshots", "batch",
            "results", "timeout-seconds", "postgres-url", "postgres-user", "postgres-password");

    boolean snapshots() {
      return snapshotEvery > 0;
    }

    String snapshotsLabel() {
      return snapshots() ? "every" + snapshotEvery : "none";
    }

    String fileName(String snapshotsLabel) {
      return "recovery-" + database.label() + "-" + events + "-" + snapshotsLabel + ".json";
    }

    static Options parse(String... args) {
      Map<String, String> values = new HashMap<>();
      for (int i = 0; i < args.length; i++) {
        String name = args[i].startsWith("--") ? args[i].substring(2) : "";
        if (!NAMES.contains(name) || i + 1 >= args.length) {
          throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
        }
        values.put(name, args[++i]);
      }
      if (!values.containsKey("events")) {
        throw new IllegalArgumentException("--events is required");
      }
      Options options =
          new Options(
              count(values.get("events")),
              BenchDatabase.Kind.parse(values.getOrDefault("db", "h2")),
              Integer.parseInt(values.getOrDefault("snapshot-every", "100")),
              Integer.parseInt(values.getOrDefault("recoveries", "5")),
              Integer.parseInt(values.getOrDefault("then-without-snapshots", "0")),
              Integer.parseInt(values.getOrDefault("batch", "1000")),
              Path.of(values.getOrDefault("results", "benchmarks/results")),
              Duration.ofSeconds(Long.parseLong(values.getOrDefault("timeout-seconds", "900"))),
              values.getOrDefault("postgres-url", "jdbc:postgresql://127.0.0.1:5432/test"),
              values.getOrDefault("postgres-user", "postgres"),
              values.getOrDefault("postgres-password", ""));
      if (options.events < 1 || options.recoveries < 1 || options.batch < 1) {
        throw new IllegalArgumentException("--events, --recoveries and --batch must be positive");
      }
      if (options.snapshotEvery < 0 || options.thenWithoutSnapshots < 0) {
        throw new IllegalArgumentException(
            "--snapshot-every and --then-without-snapshots must not be negative");
      }
      if (!options.snapshots() && options.thenWithoutSnapshots > 0) {
        throw new IllegalArgumentException("--then-without-snapshots needs snapshots to delete");
      }
      return options;
    }

    /** 100000, 100_000, 100k, 1M. */
    private static long count(String text) {
      String value = text.replace("_", "").toLowerCase(Locale.ROOT);
      long unit = value.endsWith("k") ? 1_000 : value.endsWith("m") ? 1_000_000 : 1;
      if (unit > 1) {
        value = value.substring(0, value.length() - 1);
      }
      return Long.parseLong(value) * unit;
    }
  }

  static String usage() {
    return String.join(
        "\n",
        "usage: benchmarks/bin/recovery --events N [options]",
        "  --events N                  events after the member's join (100000, 100k, 1M)",
        "  --db h2|postgresql          journal database (default h2): H2 in a temporary folder,",
        "                              or a fresh schema on --postgres-url; removed afterwards",
        "  --snapshot-every K          parley.room.snapshot-every (default 100, Parley's); 0 = none",
        "  --recoveries R              timed recoveries, each by a fresh entity (default 5)",
        "  --then-without-snapshots R  then delete the room's snapshots and time R recoveries",
        "                              from the full journal (no second write; default 0)",
        "  --batch B                   events per journal write while filling (default 1000)",
        "  --results DIR               where the JSON files go (default benchmarks/results)",
        "  --timeout-seconds S         longest one recovery may take (default 900)",
        "  --postgres-url URL          default jdbc:postgresql://127.0.0.1:5432/test",
        "  --postgres-user U           default postgres (--postgres-password: default empty)");
  }

  /** One JSON report and the file it goes to. */
  record Report(String fileName, Map<String, Object> json) {}

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(usage());
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    int status = 0;
    try {
      for (Report report : run(options, args, System.out)) {
        System.out.println("results: " + write(report, options.resultsDir()));
      }
    } catch (Exception e) {
      System.err.println("recovery benchmark failed: " + e);
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  /** /proc/loadavg when the run started. */
  private static String loadAverageAtStart = loadAverage();

  /** Runs the benchmark and returns its reports (what the JSON files hold). */
  static List<Report> run(Options options, String[] args, PrintStream out) throws Exception {
    loadAverageAtStart = loadAverage();
    String date = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString();
    long total = options.events() + 1; // the join, then the events
    try (BenchDatabase db = openDatabase(options)) {
      // Configured as ParleyServer does it, on one local node (a room needs no cluster when
      // spawned directly).
      Map<String, Object> overrides = new HashMap<>(db.configOverrides());
      overrides.put("pekko.actor.provider", "local");
      overrides.put(
          "parley.room.snapshot-every",
          options.snapshots() ? options.snapshotEvery() : NO_SNAPSHOTS);
      Config config = ParleyConfig.load(ConfigFactory.parseMap(overrides));
      JournalDatabase database = JournalDatabase.fromConfig(config);
      database.migrate();
      db.resolvedUrl(database.url());
      ActorSystem<Host.Command> system =
          ActorSystem.create(Host.create(), "bench", database.pekkoConfig().withFallback(config));
      try {
        Config parley = system.settings().config().getConfig("parley");
        RoomSettings settings = RoomSettings.fromConfig(parley);
        String persistenceId = PERSISTENCE_ID;
        String label =
            "recovery " + options.database().label() + " events=" + options.events()
                + " snapshots=" + options.snapshotsLabel();

        // The member's connection: alive throughout, as a connected member's would be.
        ActorRef<SessionInbox> connection =
            spawn(system, Behaviors.<SessionInbox>ignore(), "connection");

        out.printf(Locale.ROOT, "%s: writing %,d events into %s%n", label, total, db.location());
        Fill fill = fill(system, settings, options, connection, out);
        out.printf(
            Locale.ROOT,
            "%s: wrote %,d events in %.1f s: %,.0f events/s (journal writes of %d events;"
                + " cores busy: benchmark %.1f, other processes %.1f)%n",
            label, total, fill.seconds(), total / fill.seconds(), fill.batch(),
            fill.cpu().benchmarkCores(), fill.cpu().otherCores());

        Stored stored = inspect(db, persistenceId, total, label, out);
        if (options.snapshots()) {
          long expected = total / options.snapshotEvery() * options.snapshotEvery();
          check(
              stored.snapshot().latestSequenceNr() == expected,
              "latest snapshot at " + stored.snapshot().latestSequenceNr() + ", expected " + expected);
        } else {
          check(stored.snapshot().count() == 0, "snapshots were written");
        }
        Recoveries recoveries =
            recover(
                system, db, settings, fill.written(), options.recoveries(), 0, options, label, out);

        List<Report> reports = new ArrayList<>();
        Map<String, Object> json =
            report(
                date, args, options, settings, fill, stored, recoveries, options.snapshots(),
                options.snapshots()
                    ? "journal and snapshots written with snapshot-every " + options.snapshotEvery()
                    : "journal written without snapshots, the room's snapshot-every set beyond"
                        + " the history");
        reports.add(new Report(options.fileName(options.snapshotsLabel()), json));

        if (options.thenWithoutSnapshots() > 0) {
          String noneLabel =
              "recovery " + options.database().label() + " events=" + options.events()
                  + " snapshots=none";
          int deleted = db.deleteSnapshots(persistenceId);
          out.printf(
              Locale.ROOT, "%s: deleted the room's %d snapshots (same journal)%n", noneLabel, deleted);
          Stored withoutSnapshots = inspect(db, persistenceId, total, noneLabel, out);
          // The room's own interval off as well: a room that replays at least snapshot-every
          // events takes a snapshot right after recovery (Pekko's retention), which would make
          // every recovery but the first a snapshot recovery.
          RoomSettings noSnapshots =
              RoomSettings.fromConfig(
                  parley.withValue(
                      "room.snapshot-every", ConfigValueFactory.fromAnyRef(NO_SNAPSHOTS)));
          Recoveries full =
              recover(
                  system, db, noSnapshots, fill.written(), options.thenWithoutSnapshots(),
                  options.recoveries(), options, noneLabel, out);
          String method =
              "the journal written with snapshots every " + options.snapshotEvery()
                  + " events (the same events and rows as a write without snapshots), its"
                  + " snapshot rows deleted before these recoveries, the room's snapshot-every"
                  + " set beyond the history; write is that write";
          Map<String, Object> noneJson =
              report(date, args, options, settings, fill, withoutSnapshots, full, false, method);
          reports.add(
              new Report(options.fileName("none-from-" + options.snapshotsLabel()), noneJson));
        }
        return reports;
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** How the journal was filled. */
  record Fill(RoomState written, double seconds, int batch, CpuMeter.Usage cpu) {}

  private static Fill fill(
      ActorSystem<Host.Command> system,
      RoomSettings settings,
      Options options,
      ActorRef<SessionInbox> connection,
      PrintStream out)
      throws Exception {
    long total = options.events() + 1;
    ActorRef<HistoryWriter.Append> writer =
        spawn(system, HistoryWriter.create(ROOM_ID, settings, options.snapshots()), "writer");
    RoomHistory history = new RoomHistory(connection);
    int batch = effectiveBatch(options);
    long lastSnapshotVersion =
        options.snapshots() ? total / options.snapshotEvery() * options.snapshotEvery() : 0;
    RoomState written = null;
    CpuMeter.Reading cpu = CpuMeter.read();
    long start = System.nanoTime();
    long nextProgress = total / 10;
    for (long version = 0; version < total; ) {
      long end = Math.min(version + batch, total);
      if (version < lastSnapshotVersion && end > lastSnapshotVersion) {
        end = lastSnapshotVersion; // the latest snapshot exactly where the room would take it
      }
      List<RoomEvent> events = history.upTo(end);
      written =
          ask(
              system,
              writer,
              replyTo -> new HistoryWriter.Append(events, replyTo),
              Duration.ofSeconds(120));
      version = end;
      if (version >= nextProgress && version < total) {
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(
            Locale.ROOT, "  %,d/%,d events, %,.0f events/s%n", version, total, version / seconds);
        nextProgress += total / 10;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    CpuMeter.Usage usage = CpuMeter.since(cpu);
    stop(system, writer);
    check(written.version() == total, "the writer ended at version " + written.version());
    return new Fill(written, seconds, batch, usage);
  }

  /** What the database holds for the room. */
  record Stored(
      BenchDatabase.JournalInfo journal, BenchDatabase.SnapshotInfo snapshot, long bytesOnDisk) {}

  private static Stored inspect(
      BenchDatabase db, String persistenceId, long total, String label, PrintStream out) {
    BenchDatabase.JournalInfo journal = db.journal(persistenceId);
    BenchDatabase.SnapshotInfo snapshot = db.snapshots(persistenceId);
    long onDisk = db.bytesOnDisk();
    check(journal.rows() == total, "the journal holds " + journal.rows() + " rows");
    out.printf(
        Locale.ROOT,
        "%s: journal %,d rows, %,d payload bytes (%.0f per event); database %,d bytes on disk%n",
        label, journal.rows(), journal.payloadBytes(),
        (double) journal.payloadBytes() / journal.rows(), onDisk);
    long replayed = total - snapshot.latestSequenceNr();
    out.printf(
        Locale.ROOT,
        "%s: %s, %,d event%s to replay%n",
        label,
        snapshot.count() == 0
            ? "no snapshot"
            : String.format(
                Locale.ROOT,
                "latest snapshot at version %,d: %,d bytes (%d stored)",
                snapshot.latestSequenceNr(), snapshot.latestBytes(), snapshot.count()),
        replayed,
        replayed == 1 ? "" : "s");
    return new Stored(journal, snapshot, onDisk);
  }

  /** Timed recoveries, in milliseconds, and the heap the recovered room left. */
  record Recoveries(List<Double> millis, List<Double> otherCores, long heapUsedAfter) {
    List<Double> sorted() {
      return millis.stream().sorted().toList();
    }
  }

  private static Recoveries recover(
      ActorSystem<Host.Command> system,
      BenchDatabase db,
      RoomSettings settings,
      RoomState written,
      int runs,
      int firstIndex,
      Options options,
      String label,
      PrintStream out)
      throws Exception {
    List<Double> millis = new ArrayList<>();
    List<Double> otherCores = new ArrayList<>();
    long heapUsedAfter = 0;
    BenchDatabase.SnapshotInfo snapshotsBefore = db.snapshots(PERSISTENCE_ID);
    for (int run = 1; run <= runs; run++) {
      System.gc(); // the garbage of what ran before is not this recovery's cost
      CpuMeter.Reading cpu = CpuMeter.read();
      long start = System.nanoTime();
      ActorRef<RoomCommand> room =
          spawn(
              system,
              RoomEntity.create(ROOM_ID, settings, Optional.empty(), RoomRuntime.of(system)),
              "room-" + (firstIndex + run));
      RoomState recovered =
          ask(system, room, RoomCommand.GetSnapshot::new, options.recoveryTimeout());
      double elapsed = (System.nanoTime() - start) / 1e6;
      CpuMeter.Usage usage = CpuMeter.since(cpu);
      check(
          recovered.version() == written.version(),
          "recovered version " + recovered.version() + ", expected " + written.version());
      check(recovered.equals(written), "the recovered state differs from the written one");
      millis.add(elapsed);
      otherCores.add(round(usage.otherCores(), 2));
      out.printf(
          Locale.ROOT,
          "%s: recovery %d/%d: %.1f ms (version %,d; %d keys, %d chat messages, %d remembered"
              + " commands: the state written; other processes used %.1f cores meanwhile)%n",
          label, run, runs, elapsed, recovered.version(), recovered.keys().size(),
          recovered.chat().size(), recovered.appliedCommands().size(), usage.otherCores());
      if (run == runs) {
        System.gc();
        heapUsedAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      }
      stop(system, room);
      BenchDatabase.SnapshotInfo snapshots = db.snapshots(PERSISTENCE_ID);
      check(
          snapshots.latestSequenceNr() == snapshotsBefore.latestSequenceNr(),
          "the recovered room took a snapshot at " + snapshots.latestSequenceNr());
    }
    Recoveries recoveries = new Recoveries(millis, otherCores, heapUsedAfter);
    List<Double> sorted = recoveries.sorted();
    out.printf(
        Locale.ROOT,
        "%s: recovery min/median/max = %.1f / %.1f / %.1f ms over %d run%s; heap used after"
            + " recovery (after a full GC) %.1f MiB%n",
        label, sorted.get(0), median(sorted), sorted.get(sorted.size() - 1), runs,
        runs == 1 ? "" : "s", heapUsedAfter / 1048576.0);
    return recoveries;
  }

  private static Map<String, Object> report(
      String date,
      String[] args,
      Options options,
      RoomSettings settings,
      Fill fill,
      Stored stored,
      Recoveries recoveries,
      boolean snapshots,
      String method) {
    long total = fill.written().version();
    List<Double> sorted = recoveries.sorted();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "W5 recovery of a long room");
    report.put("date", date);
    report.put("command", command(args));
    report.put("method", method);
    report.put("database", options.database().label());
    report.put("events", options.events());
    report.put("journalEvents", total);
    report.put("snapshotEvery", snapshots ? options.snapshotEvery() : null);
    report.put("snapshotsKept", snapshots ? settings.snapshotsKept() : null);
    report.put(
        "write",
        map(
            "seconds", round(fill.seconds(), 2),
            "eventsPerSecond", Math.round(total / fill.seconds()),
            "eventsPerJournalWrite", fill.batch(),
            "snapshots", options.snapshots(),
            "benchmarkCores", round(fill.cpu().benchmarkCores(), 2),
            "otherProcessesCores", round(fill.cpu().otherCores(), 2)));
    report.put(
        "journal",
        map(
            "rows", stored.journal().rows(),
            "payloadBytes", stored.journal().payloadBytes(),
            "bytesPerEvent",
            round((double) stored.journal().payloadBytes() / stored.journal().rows(), 1),
            "databaseBytesOnDisk", stored.bytesOnDisk()));
    BenchDatabase.SnapshotInfo snapshot = stored.snapshot();
    report.put(
        "snapshot",
        snapshot.count() == 0
            ? null
            : map(
                "latestVersion", snapshot.latestSequenceNr(),
                "bytes", snapshot.latestBytes(),
                "stored", snapshot.count()));
    report.put("eventsReplayed", total - snapshot.latestSequenceNr());
    report.put(
        "state",
        map(
            "version", total,
            "members", fill.written().members().size(),
            "keys", fill.written().keys().size(),
            "chatMessages", fill.written().chat().size(),
            "rememberedCommands", fill.written().appliedCommands().size()));
    report.put(
        "recoveryMillis",
        map(
            "min", round(sorted.get(0), 1),
            "median", round(median(sorted), 1),
            "max", round(sorted.get(sorted.size() - 1), 1),
            "runs", recoveries.millis().stream().map(m -> round(m, 1)).toList(),
            "otherProcessesCores", recoveries.otherCores()));
    report.put("heapUsedAfterRecoveryBytes", recoveries.heapUsedAfter());
    report.put("loadAverageAtStart", loadAverageAtStart);
    report.put("loadAverageAtEnd", loadAverage());
    report.put("machine", machine());
    return report;
  }

  private static BenchDatabase openDatabase(Options options) {
    return options.database() == BenchDatabase.Kind.H2
        ? BenchDatabase.h2()
        : BenchDatabase.postgresql(
            options.postgresUrl(), options.postgresUser(), options.postgresPassword());
  }

  /**
   * Journal writes end on multiples of the snapshot interval, so that the writer, which takes at
   * most one snapshot per write, snapshots at versions where the room itself would.
   */
  static int effectiveBatch(Options options) {
    if (!options.snapshots()) {
      return options.batch();
    }
    int every = options.snapshotEvery();
    return Math.max(1, Math.round((float) options.batch() / every)) * every;
  }

  private static <T> ActorRef<T> spawn(
      ActorSystem<Host.Command> system, Behavior<T> behavior, String name) throws Exception {
    return ask(
        system, system, replyTo -> new Host.Spawn<>(behavior, name, replyTo), Duration.ofSeconds(10));
  }

  private static void stop(ActorSystem<Host.Command> system, ActorRef<?> child) throws Exception {
    ask(
        system,
        system,
        (ActorRef<Done> replyTo) -> new Host.StopChild(child, replyTo),
        Duration.ofSeconds(30));
  }

  private static <Req, Res> Res ask(
      ActorSystem<?> system,
      ActorRef<Req> target,
      Function<ActorRef<Res>, Req> message,
      Duration timeout)
      throws Exception {
    try {
      return AskPattern.ask(target, message::apply, timeout, system.scheduler())
          .toCompletableFuture()
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer from " + target + " within " + timeout);
    }
  }

  private static void check(boolean condition, String failure) {
    if (!condition) {
      throw new IllegalStateException(failure);
    }
  }

  static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** The command as typed (bin/recovery passes it), else the Java main class and arguments. */
  private static String command(String[] args) {
    String typed = System.getenv("PARLEY_BENCH_COMMAND");
    if (typed != null && !typed.isBlank()) {
      return typed;
    }
    return "java " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
        + " -cp … " + RecoveryBenchmark.class.getName() + " " + String.join(" ", args);
  }

  static Map<String, Object> machine() {
    Runtime runtime = Runtime.getRuntime();
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", runtime.availableProcessors());
    machine.put("cpu", cpuModel());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      machine.put("memoryBytes", os.getTotalMemorySize());
    }
    machine.put(
        "os",
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
    machine.put(
        "jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    machine.put("maxHeapBytes", runtime.maxMemory());
    machine.put("jvmFlags", ManagementFactory.getRuntimeMXBean().getInputArguments());
    machine.put(
        "gc",
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList());
    return machine;
  }

  /** The 1, 5 and 15 minute load averages (Linux), or "unknown". */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static Path write(Report report, Path folder) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(report.fileName());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), report.json());
    return file;
  }

  private RecoveryBenchmark() {}
}
