package io.parley.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The database behind the journal and snapshot store: the embedded H2 file database by default,
 * PostgreSQL when {@code parley.database.url} (or {@code PARLEY_DB_URL}) points at one.
 */
public final class JournalDatabase {

  /** The name under {@code pekko-persistence-jdbc.shared-databases} that every plugin uses. */
  static final String SHARED_DB = "parley";

  public enum Kind {
    H2("org.h2.Driver", "slick.jdbc.H2Profile$", "h2-dialect"),
    POSTGRESQL("org.postgresql.Driver", "slick.jdbc.PostgresProfile$", "postgres-dialect");

    private final String driver;
    private final String slickProfile;
    private final String projectionDialect;

    Kind(String driver, String slickProfile, String projectionDialect) {
      this.driver = driver;
      this.slickProfile = slickProfile;
      this.projectionDialect = projectionDialect;
    }

    String migrationFolder() {
      return "classpath:db/migration/" + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;
  private final String url;
  private final String user;
  private final String password;
  private final int poolSize;

  private JournalDatabase(Kind kind, String url, String user, String password, int poolSize) {
    this.kind = kind;
    this.url = url;
    this.user = user;
    this.password = password;
    this.poolSize = poolSize;
  }

  /** Reads {@code parley.database} and {@code parley.data-dir}. */
  public static JournalDatabase fromConfig(Config config) {
    Config database = config.getConfig("parley.database");
    String url = database.getString("url");
    if (url.isBlank()) {
      url = h2Url(Path.of(config.getString("parley.data-dir")));
    }
    return new JournalDatabase(
        kindOf(url),
        url,
        database.getString("user"),
        database.getString("password"),
        database.getInt("pool-size"));
  }

  /**
   * {@code WRITE_DELAY=0}: H2 otherwise writes committed transactions to the file up to 500 ms
   * later, and a process killed in that window loses changes that were already acknowledged.
   * {@code DB_CLOSE_ON_EXIT=FALSE}: H2 otherwise closes the database from a JVM shutdown hook,
   * while Pekko's coordinated shutdown (run from another hook) still has rooms recording who left
   * ("Database is already closed"); the connection pool closes when the actor system has
   * terminated, and H2's file needs no closing to be consistent.
   */
  static String h2Url(Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().normalize().resolve("parley")
        + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE;DATABASE_TO_UPPER=FALSE;WRITE_DELAY=0";
  }

  private static Kind kindOf(String url) {
    if (url.startsWith("jdbc:h2:")) {
      return Kind.H2;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return Kind.POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "parley.database.url must be a jdbc:h2: or jdbc:postgresql: URL, got " + redacted(url));
  }

  public Kind kind() {
    return kind;
  }

  public String url() {
    return url;
  }

  /**
   * An embedded H2 database (a file or memory URL, not {@code jdbc:h2:tcp:} or {@code ssl:}): H2
   * locks its file, so only one process can use it at a time.
   */
  public boolean embedded() {
    return kind == Kind.H2 && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
  }

  /** A new connection of its own (not from the journal's pool); the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  /**
   * A connection pool of its own, for a read side that must not wait behind the journal's
   * writes; the caller closes it.
   */
  public HikariDataSource pool(String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  /** Applies the pending migrations of this database's kind and returns how many ran. */
  public int migrate() {
    MigrateResult result =
        Flyway.configure()
            .dataSource(url, user, password)
            .locations(kind.migrationFolder())
            .load()
            .migrate();
    return result.migrationsExecuted;
  }

  /**
   * The Pekko Persistence JDBC settings that point every plugin at this database, and Pekko
   * Projection JDBC's dialect for it; to be placed above the node's configuration.
   */
  public Config pekkoConfig() {
    String prefix = "pekko-persistence-jdbc.shared-databases." + SHARED_DB;
    return ConfigFactory.parseMap(
        Map.of(
            prefix + ".profile", kind.slickProfile,
            prefix + ".db.url", url,
            prefix + ".db.user", user,
            prefix + ".db.password", password,
            prefix + ".db.driver", kind.driver,
            prefix + ".db.numThreads", poolSize,
            prefix + ".db.maxConnections", poolSize,
            prefix + ".db.minConnections", 1,
            prefix + ".db.connectionPool", "HikariCP",
            "pekko.projection.jdbc.dialect", kind.projectionDialect));
  }

  /** The URL as it may appear in logs: any password parameter masked. */
  static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override
  public String toString() {
    return kind + " " + redacted(url);
  }
}
