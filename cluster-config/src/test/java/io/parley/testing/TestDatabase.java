package io.parley.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The journal database a node process under test uses. Parameterize a test over this enum to run
 * it on both: {@link #H2} is the embedded file database in the node's data folder, {@link
 * #POSTGRESQL} a fresh schema on the local PostgreSQL server (127.0.0.1:5432, database {@code
 * test}, user {@code postgres}, trust auth; {@code bin/ensure-postgres} starts it). A PostgreSQL
 * server that is not running fails the test; it is never skipped.
 *
 * <pre>{@code
 * try (TestDatabase.Instance db = database.create();
 *     ServerProcess node = ServerProcess.start(data, db.environment())) { ... }
 * }</pre>
 */
public enum TestDatabase {
  H2 {
    @Override
    public Instance create() {
      return new Instance(
          Map.of(),
          dataDir -> {
            if (!Files.exists(dataDir.resolve(H2_FILE))) {
              throw new AssertionError("no H2 database in " + dataDir);
            }
          },
          () -> {});
    }
  },

  POSTGRESQL {
    @Override
    public Instance create() {
      String schema = "parley_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      execute("CREATE SCHEMA " + schema);
      Map<String, String> environment =
          Map.of(
              "PARLEY_DB_URL", POSTGRES_URL + "?currentSchema=" + schema,
              "PARLEY_DB_USER", POSTGRES_USER,
              "PARLEY_DB_PASSWORD", "");
      return new Instance(
          environment,
          dataDir -> {
            if (Files.exists(dataDir.resolve(H2_FILE))) {
              throw new AssertionError("the node wrote an H2 database in " + dataDir);
            }
            long rows = count("SELECT count(*) FROM " + schema + ".event_journal");
            if (rows == 0) {
              throw new AssertionError("no journal rows in PostgreSQL schema " + schema);
            }
          },
          () -> execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
    }
  };

  private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String POSTGRES_USER = "postgres";

  private static final String H2_FILE = "parley.mv.db";

  /** A database of this kind for one test; closing it removes what it created. */
  public abstract Instance create();

  private static long count(String sql) {
    try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at " + POSTGRES_URL + ": " + sql, e);
    }
  }

  /** Runs {@code sql} on the local PostgreSQL server's database {@code test} as {@code postgres}. */
  public static void executeOnPostgres(String sql) {
    execute(sql);
  }

  private static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + POSTGRES_URL + " (start it with bin/ensure-postgres): " + sql, e);
    }
  }

  /** One test's database. */
  public static final class Instance implements AutoCloseable {

    private final Map<String, String> environment;
    private final Consumer<Path> verify;
    private final Runnable drop;

    private Instance(Map<String, String> environment, Consumer<Path> verify, Runnable drop) {
      this.environment = environment;
      this.verify = verify;
      this.drop = drop;
    }

    /**
     * Fails unless the nodes that ran with {@code dataDir} kept their journal in this database
     * (and not, say, in an H2 file because a variable did not reach them).
     */
    public void assertHoldsTheJournalOf(Path dataDir) {
      verify.accept(dataDir);
    }

    /** The variables that point a {@link ServerProcess} at this database (none for H2). */
    public Map<String, String> environment() {
      return environment;
    }

    /** Adds this database's variables to {@code other}, which win on a clash. */
    public Map<String, String> environment(Map<String, String> other) {
      Map<String, String> merged = new HashMap<>(environment);
      merged.putAll(other);
      return Map.copyOf(merged);
    }

    @Override
    public void close() {
      drop.run();
    }
  }
}
