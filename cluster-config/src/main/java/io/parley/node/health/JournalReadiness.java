package io.parley.node.health;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import slick.jdbc.JdbcDataSource;

/**
 * Readiness check ({@code pekko.management.health-checks.readiness-checks.parley-journal}): true
 * when a cheap query on the journal table ({@code SELECT 1 FROM event_journal WHERE 1 = 0})
 * succeeds through the journal's own connection pool within {@code
 * parley.health.journal-timeout}. It fails when the database is down, unreachable, its pool is
 * exhausted, or the journal's table is missing (then rooms could not recover either).
 *
 * <p>At most one query runs at a time: a check that arrives while one is running waits for the
 * same result, so a hanging database does not pile up blocked threads.
 */
public final class JournalReadiness implements Supplier<CompletionStage<Boolean>> {

  private static final Logger log = LoggerFactory.getLogger(JournalReadiness.class);

  private final JdbcDataSource source;
  private final String query;
  private final Duration timeout;
  private final Executor blocking;
  private CompletableFuture<Boolean> running;
  private volatile boolean lastResult = true;

  public JournalReadiness(ActorSystem system) {
    Config config = system.settings().config();
    Config journal = config.getConfig("jdbc-journal");
    this.source =
        ((SlickExtensionImpl) SlickExtension.get(system)).database(journal).database().source();
    Config table = journal.getConfig("tables.event_journal");
    String schema = table.getString("schemaName");
    this.query =
        "SELECT 1 FROM "
            + (schema.isBlank() ? "" : schema + ".")
            + table.getString("tableName")
            + " WHERE 1 = 0";
    this.timeout = config.getDuration("parley.health.journal-timeout");
    this.blocking = system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
  }

  @Override
  public synchronized CompletionStage<Boolean> get() {
    if (running == null || running.isDone()) {
      running = CompletableFuture.supplyAsync(this::query, blocking);
    }
    return running.copy().completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private boolean query() {
    // a plain statement: parsed afresh each time, so a dropped or renamed table is noticed
    try (Connection connection = source.createConnection();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
      statement.executeQuery(query).close();
      if (!lastResult) {
        log.info("journal database reachable again: ready");
      }
      lastResult = true;
      return true;
    } catch (SQLException | RuntimeException e) {
      if (lastResult) {
        log.warn("journal database unreachable, node not ready: {}", e.getMessage());
      }
      lastResult = false;
      return false;
    }
  }
}
