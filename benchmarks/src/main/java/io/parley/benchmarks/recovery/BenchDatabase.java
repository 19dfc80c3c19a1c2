package io.parley.benchmarks.recovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A fresh, empty journal database for one benchmark run, removed by {@link #close()}: H2 in a
 * temporary folder, or a new schema {@code parley_bench_<random>} on a PostgreSQL server. The
 * tables are created by Parley's own migrations ({@code JournalDatabase.migrate()}).
 */
final class BenchDatabase implements AutoCloseable {

  enum Kind {
    H2,
    POSTGRESQL;

    static Kind parse(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "h2" -> H2;
        case "postgresql", "postgres", "pg" -> POSTGRESQL;
        default -> throw new IllegalArgumentException("--db must be h2 or postgresql, got " + name);
      };
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The latest snapshot of a persistence id and how many are stored. */
  record SnapshotInfo(int count, long latestSequenceNr, long latestBytes) {}

  /** The journal rows of a persistence id. */
  record JournalInfo(long rows, long payloadBytes) {}

  private final Kind kind;
  private final Map<String, Object> overrides;
  private final String user;
  private final String password;
  private final Path h2Folder;
  private final String schema;
  private final String postgresBaseUrl;
  private String jdbcUrl;

  private BenchDatabase(
      Kind kind,
      Map<String, Object> overrides,
      String jdbcUrl,
      String user,
      String password,
      Path h2Folder,
      String schema,
      String postgresBaseUrl) {
    this.kind = kind;
    this.overrides = Map.copyOf(overrides);
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.h2Folder = h2Folder;
    this.schema = schema;
    this.postgresBaseUrl = postgresBaseUrl;
  }

  /** H2 in a new temporary folder (as {@code parley.data-dir}). */
  static BenchDatabase h2() {
    try {
      Path folder = Files.createTempDirectory("parley-bench-");
      Map<String, Object> overrides =
          Map.of("parley.data-dir", folder.toString(), "parley.database.url", "");
      return new BenchDatabase(Kind.H2, overrides, null, "", "", folder, null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A new schema on the PostgreSQL server of {@code baseUrl} (e.g. {@code
   * jdbc:postgresql://127.0.0.1:5432/test}); Parley's migrations create it.
   */
  static BenchDatabase postgresql(String baseUrl, String user, String password) {
    String schema = "parley_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    Map<String, Object> overrides =
        Map.of(
            "parley.database.url", url,
            "parley.database.user", user,
            "parley.database.password", password);
    return new BenchDatabase(
        Kind.POSTGRESQL, overrides, url, user, password, null, schema, baseUrl);
  }

  Kind kind() {
    return kind;
  }

  /** The {@code parley.*} settings that point a node at this database. */
  Map<String, Object> configOverrides() {
    return overrides;
  }

  /**
   * The JDBC URL {@code JournalDatabase} resolved from the configuration (for H2, built from the
   * data folder); the queries of this class use it, so they read what the journal wrote.
   */
  void resolvedUrl(String url) {
    this.jdbcUrl = url;
  }

  /** Where the data lives, for the report: the H2 folder or the PostgreSQL schema. */
  String location() {
    return kind == Kind.H2 ? h2Folder.toString() : jdbcUrl;
  }

  SnapshotInfo snapshots(String persistenceId) {
    String sql =
        "SELECT sequence_number, OCTET_LENGTH(snapshot_payload) FROM snapshot"
            + " WHERE persistence_id = ? ORDER BY sequence_number DESC";
    return query(
        sql,
        persistenceId,
        rows -> {
          int count = 0;
          long latestSeq = 0;
          long latestBytes = 0;
          while (rows.next()) {
            if (count == 0) {
              latestSeq = rows.getLong(1);
              latestBytes = rows.getLong(2);
            }
            count++;
          }
          return new SnapshotInfo(count, latestSeq, latestBytes);
        });
  }

  JournalInfo journal(String persistenceId) {
    String sql =
        "SELECT COUNT(*), SUM(OCTET_LENGTH(event_payload)) FROM event_journal"
            + " WHERE persistence_id = ?";
    return query(
        sql,
        persistenceId,
        rows -> {
          rows.next();
          return new JournalInfo(rows.getLong(1), rows.getLong(2));
        });
  }

  /** Deletes every snapshot of {@code persistenceId}; returns how many there were. */
  int deleteSnapshots(String persistenceId) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement statement =
            connection.prepareStatement("DELETE FROM snapshot WHERE persistence_id = ?")) {
      statement.setString(1, persistenceId);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(kind.label() + ": could not delete snapshots", e);
    }
  }

  /** Bytes the database uses on disk: the H2 file, or the PostgreSQL schema's tables. */
  long bytesOnDisk() {
    if (kind == Kind.H2) {
      try (Stream<Path> files = Files.walk(h2Folder)) {
        return files.filter(Files::isRegularFile).mapToLong(BenchDatabase::size).sum();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String sql =
        "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relkind = 'r'";
    return query(
        sql,
        schema,
        rows -> {
          rows.next();
          return rows.getLong(1);
        });
  }

  private interface RowReader<T> {
    T read(ResultSet rows) throws SQLException;
  }

  private <T> T query(String sql, String parameter, RowReader<T> reader) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, parameter);
      try (ResultSet rows = statement.executeQuery()) {
        return reader.read(rows);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(kind.label() + ": " + sql, e);
    }
  }

  /** Drops the PostgreSQL schema or deletes the H2 folder. */
  @Override
  public void close() {
    if (kind == Kind.POSTGRESQL) {
      try (Connection connection = DriverManager.getConnection(postgresBaseUrl, user, password);
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("could not drop schema " + schema, e);
      }
    } else {
      // The URL keeps the database open for the life of the JVM (DB_CLOSE_DELAY=-1): close it
      // before its files go, or H2 writes to them again when the JVM exits.
      try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
          Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      } catch (SQLException e) {
        throw new IllegalStateException("could not close the H2 database in " + h2Folder, e);
      }
      try (Stream<Path> files = Files.walk(h2Folder)) {
        files.sorted(Comparator.reverseOrder()).forEach(BenchDatabase::delete);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
