package io.parley.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JournalDatabaseTest {

  private static final Set<String> JOURNAL_TABLES = Set.of("event_journal", "event_tag", "snapshot", "parley_journal_owner");

  /**
   * The test configuration over the real defaults; every {@code parley.database} setting is given
   * so that PARLEY_DB_* variables of the machine running the tests cannot change the outcome.
   */
  private static Config config(String dataDir, String url, String user) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("parley.data-dir", dataDir);
    settings.put("parley.database.url", url);
    settings.put("parley.database.user", user);
    settings.put("parley.database.password", "");
    settings.put("parley.database.pool-size", 10);
    return ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()).resolve();
  }

  /**
   * Upper-case names: H2 with DATABASE_TO_UPPER=FALSE keeps unquoted names as written and its
   * INFORMATION_SCHEMA is upper case; PostgreSQL folds them to lower case.
   */
  private static Set<String> tables(Connection connection, String schema) throws SQLException {
    Set<String> names = new TreeSet<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ?")) {
      query.setString(1, schema);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
    }
    return names;
  }

  private static Set<String> columns(Connection connection, String schema, String table)
      throws SQLException {
    Set<String> names = new TreeSet<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      query.setString(1, schema);
      query.setString(2, table);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
    }
    return names;
  }

  private static final Set<String> JOURNAL_COLUMNS =
      Set.of(
          "ordering",
          "deleted",
          "persistence_id",
          "sequence_number",
          "writer",
          "write_timestamp",
          "adapter_manifest",
          "event_payload",
          "event_ser_id",
          "event_ser_manifest",
          "meta_payload",
          "meta_ser_id",
          "meta_ser_manifest");

  @Nested
  class EmbeddedH2 {

    @TempDir Path dataDir;

    private JournalDatabase database;

    @BeforeEach
    void create() {
      database = JournalDatabase.fromConfig(config(dataDir.toString(), "", ""));
    }

    @AfterEach
    void shutDown() throws SQLException {
      // DB_CLOSE_DELAY=-1 keeps the database open for the whole JVM; close it before the
      // temporary folder is deleted.
      try (Connection connection = DriverManager.getConnection(database.url());
          Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      }
    }

    @Test
    void urlIsAnAbsoluteFileUnderTheDataDirWithCaseKept() {
      assertEquals(JournalDatabase.Kind.H2, database.kind());
      String url = database.url();
      assertTrue(url.startsWith("jdbc:h2:file:"), url);
      String file = url.substring("jdbc:h2:file:".length(), url.indexOf(';'));
      assertTrue(Path.of(file).isAbsolute(), file);
      assertEquals(dataDir.toAbsolutePath().normalize().resolve("parley"), Path.of(file));
      List<String> options = List.of(url.substring(url.indexOf(';') + 1).split(";"));
      assertTrue(options.contains("DATABASE_TO_UPPER=FALSE"), url);
      assertTrue(options.contains("DB_CLOSE_DELAY=-1"), url);
      assertTrue(
          options.contains("DB_CLOSE_ON_EXIT=FALSE"),
          "the database must outlive the rooms' last writes at shutdown: " + url);
      assertTrue(options.contains("WRITE_DELAY=0"), "acknowledged writes must reach the file at once: " + url);
    }

    @Test
    void migratesOnceThenHasNothingToDo() throws SQLException {
      assertEquals(3, database.migrate(), "first start applies V1 to V3");
      assertEquals(0, database.migrate(), "second start applies nothing");

      assertTrue(Files.exists(dataDir.resolve("parley.mv.db")), "database file in the data dir");
      try (Connection connection = DriverManager.getConnection(database.url())) {
        Set<String> tables = tables(connection, "PUBLIC");
        assertTrue(tables.containsAll(JOURNAL_TABLES), "tables: " + tables);
        assertTrue(tables.contains("flyway_schema_history"), "tables: " + tables);
        // Lower-case, quoted names are what Slick's H2 profile looks up.
        assertEquals(JOURNAL_COLUMNS, columns(connection, "PUBLIC", "event_journal"));
        assertEquals(
            Set.of("event_id", "tag"), columns(connection, "PUBLIC", "event_tag"));
        assertTrue(columns(connection, "PUBLIC", "snapshot").contains("snapshot_payload"));
      }
    }

    @Test
    void aSecondInstanceOnTheSameDataDirSeesTheMigratedSchema() {
      assertEquals(3, database.migrate());
      JournalDatabase again = JournalDatabase.fromConfig(config(dataDir.toString(), "", ""));
      assertEquals(database.url(), again.url());
      assertEquals(0, again.migrate());
    }
  }

  @Test
  void relativeDataDirBecomesAnAbsoluteUrl() {
    JournalDatabase database = JournalDatabase.fromConfig(config("data", "", ""));
    String file = database.url().substring("jdbc:h2:file:".length(), database.url().indexOf(';'));
    assertTrue(Path.of(file).isAbsolute(), database.url());
    assertEquals(Path.of("data").toAbsolutePath().normalize().resolve("parley"), Path.of(file));
  }

  @Test
  void dotDotInTheDataDirIsNormalised() {
    JournalDatabase database =
        JournalDatabase.fromConfig(config("/tmp/parley-x/../parley-y", "", ""));
    assertTrue(database.url().startsWith("jdbc:h2:file:/tmp/parley-y/parley;"), database.url());
  }

  @Nested
  class RealPostgreSql {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";

    private String schema;

    private Connection admin() throws SQLException {
      // Fails (never skips) when the server is not running.
      return DriverManager.getConnection(SERVER, USER, "");
    }

    @BeforeEach
    void createSchema() throws SQLException {
      schema = "parley_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      try (Connection connection = admin();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA " + schema);
      }
    }

    @AfterEach
    void dropSchema() throws SQLException {
      try (Connection connection = admin();
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        statement.execute("DROP SCHEMA IF EXISTS " + schema + "_new CASCADE");
      }
    }

    private JournalDatabase database() {
      return JournalDatabase.fromConfig(
          config("unused", SERVER + "?currentSchema=" + schema, USER));
    }

    @Test
    void selectedByUrl() {
      JournalDatabase database = database();
      assertEquals(JournalDatabase.Kind.POSTGRESQL, database.kind());
      assertEquals(SERVER + "?currentSchema=" + schema, database.url());
    }

    @Test
    void migratesOnceThenHasNothingToDo() throws SQLException {
      JournalDatabase database = database();
      assertEquals(3, database.migrate(), "first start applies V1 to V3");
      assertEquals(0, database.migrate(), "second start applies nothing");

      try (Connection connection = admin()) {
        Set<String> tables = tables(connection, schema);
        assertTrue(tables.containsAll(JOURNAL_TABLES), "tables: " + tables);
        assertTrue(tables.contains("flyway_schema_history"), "tables: " + tables);
        assertEquals(JOURNAL_COLUMNS, columns(connection, schema, "event_journal"));

        try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT version, success FROM " + schema + ".flyway_schema_history"
                    + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
          try (ResultSet rows = query.executeQuery()) {
            for (String version : List.of("1", "2", "3")) {
              assertTrue(rows.next());
              assertEquals(version, rows.getString(1));
              assertTrue(rows.getBoolean(2));
            }
            assertFalse(rows.next(), "exactly three versioned migrations");
          }
        }
      }
    }

    @Test
    void aSchemaNamedInTheUrlThatDoesNotExistYetIsCreatedByFlyway() throws SQLException {
      String missing = schema + "_new";
      JournalDatabase database =
          JournalDatabase.fromConfig(
              config("unused", SERVER + "?currentSchema=" + missing, USER));
      assertEquals(3, database.migrate());
      try (Connection connection = admin()) {
        Set<String> tables = tables(connection, missing);
        assertTrue(tables.containsAll(JOURNAL_TABLES), "tables: " + tables);
        assertTrue(tables.contains("flyway_schema_history"), "tables: " + tables);
      }
      assertEquals(0, database.migrate());
    }

    @Test
    void migratedTablesTakeAJournalRowAndCascadeTags() throws SQLException {
      assertEquals(3, database().migrate());
      try (Connection connection =
              DriverManager.getConnection(SERVER + "?currentSchema=" + schema, USER, "");
          Statement statement = connection.createStatement()) {
        statement.executeUpdate(
            "INSERT INTO event_journal (persistence_id, sequence_number, writer,"
                + " event_ser_id, event_ser_manifest, event_payload)"
                + " VALUES ('room|a', 1, 'w', 33, 'm', '\\x00'::bytea)");
        try (ResultSet rows = statement.executeQuery("SELECT ordering FROM event_journal")) {
          assertTrue(rows.next());
          long ordering = rows.getLong(1);
          assertTrue(ordering > 0, "ordering comes from the sequence");
          statement.executeUpdate(
              "INSERT INTO event_tag (event_id, tag) VALUES (" + ordering + ", 'rooms')");
        }
        statement.executeUpdate("DELETE FROM event_journal");
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM event_tag")) {
          assertTrue(rows.next());
          assertEquals(0, rows.getLong(1), "tags are deleted with their event");
        }
      }
    }
  }

  @Nested
  class KindSelection {

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:h2:mem:parley", "jdbc:h2:file:/tmp/x;DATABASE_TO_UPPER=FALSE"})
    void h2(String url) {
      JournalDatabase database = JournalDatabase.fromConfig(config("data", url, ""));
      assertEquals(JournalDatabase.Kind.H2, database.kind());
      assertEquals(url, database.url(), "an explicit URL is used as given");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"jdbc:postgresql://db:5432/parley", "jdbc:postgresql:parley", "jdbc:postgresql://h/d?ssl=true"})
    void postgresql(String url) {
      JournalDatabase database = JournalDatabase.fromConfig(config("data", url, "u"));
      assertEquals(JournalDatabase.Kind.POSTGRESQL, database.kind());
      assertEquals(url, database.url());
    }

    @Test
    void emptyUrlMeansEmbeddedH2() {
      assertEquals(
          JournalDatabase.Kind.H2, JournalDatabase.fromConfig(config("data", "", "")).kind());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "jdbc:mysql://db:3306/parley",
          "postgresql://db:5432/parley",
          "h2:mem:x",
          "jdbc:sqlite:parley.db",
          "jdbc:h2",
          "not a url"
        })
    void anythingElseIsRefusedWithAClearMessage(String url) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> JournalDatabase.fromConfig(config("data", url, "")));
      assertTrue(e.getMessage().contains("parley.database.url"), e.getMessage());
      assertTrue(e.getMessage().contains("jdbc:h2:"), e.getMessage());
      assertTrue(e.getMessage().contains("jdbc:postgresql:"), e.getMessage());
      assertTrue(e.getMessage().contains(url), e.getMessage());
    }
  }

  @Nested
  class PekkoConfig {

    private static final String SHARED = "pekko-persistence-jdbc.shared-databases.parley";

    @Test
    void h2() {
      JournalDatabase database = JournalDatabase.fromConfig(config("/tmp/parley-data", "", ""));
      Config pekko = database.pekkoConfig();
      assertEquals("slick.jdbc.H2Profile$", pekko.getString(SHARED + ".profile"));
      assertEquals(database.url(), pekko.getString(SHARED + ".db.url"));
      assertEquals("", pekko.getString(SHARED + ".db.user"));
      assertEquals("", pekko.getString(SHARED + ".db.password"));
      assertEquals("org.h2.Driver", pekko.getString(SHARED + ".db.driver"));
      assertEquals("HikariCP", pekko.getString(SHARED + ".db.connectionPool"));
      assertEquals(10, pekko.getInt(SHARED + ".db.numThreads"));
      assertEquals(10, pekko.getInt(SHARED + ".db.maxConnections"));
      assertEquals(1, pekko.getInt(SHARED + ".db.minConnections"));
    }

    @Test
    void postgresql() {
      Map<String, Object> settings = new HashMap<>();
      settings.put("parley.database.url", "jdbc:postgresql://db.example:5432/parley");
      settings.put("parley.database.user", "parley");
      settings.put("parley.database.password", "s3cret");
      settings.put("parley.database.pool-size", 4);
      JournalDatabase database =
          JournalDatabase.fromConfig(
              ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()).resolve());
      Config pekko = database.pekkoConfig();
      assertEquals("slick.jdbc.PostgresProfile$", pekko.getString(SHARED + ".profile"));
      assertEquals(
          "jdbc:postgresql://db.example:5432/parley", pekko.getString(SHARED + ".db.url"));
      assertEquals("parley", pekko.getString(SHARED + ".db.user"));
      assertEquals("s3cret", pekko.getString(SHARED + ".db.password"));
      assertEquals("org.postgresql.Driver", pekko.getString(SHARED + ".db.driver"));
      assertEquals(4, pekko.getInt(SHARED + ".db.numThreads"));
      assertEquals(4, pekko.getInt(SHARED + ".db.maxConnections"));
    }

    @Test
    void everyPluginUsesTheSharedDatabaseItDefines() {
      Config plugins = ConfigFactory.parseResources("parley/persistence.conf");
      assertFalse(plugins.isEmpty(), "parley/persistence.conf is on the classpath");
      assertEquals("jdbc-journal", plugins.getString("pekko.persistence.journal.plugin"));
      assertEquals(
          "jdbc-snapshot-store", plugins.getString("pekko.persistence.snapshot-store.plugin"));
      for (String plugin : List.of("jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal")) {
        assertEquals(JournalDatabase.SHARED_DB, plugins.getString(plugin + ".use-shared-db"));
      }
      Config pekko =
          JournalDatabase.fromConfig(config("/tmp/parley-data", "", "")).pekkoConfig();
      assertTrue(
          pekko.hasPath("pekko-persistence-jdbc.shared-databases." + JournalDatabase.SHARED_DB));
    }
  }
}
