package io.parley.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The lease on a journal database: the one row of {@code parley_journal_owner} names the node
 * ({@code holder}) whose cluster may write to the journal, until {@code expires_at}. Only the
 * database's clock ({@code CURRENT_TIMESTAMP}) decides expiry; every change is a compare-and-set
 * on {@code version}, so two clusters racing for the row cannot both win. Plain JDBC on a
 * connection of its own per call; blocking: call it from a blocking dispatcher.
 *
 * <p>The rules ({@link #decide}): a node may take the row when there is none, when it holds it
 * already, when the holder is a member of its own cluster (a singleton handover, a node that left),
 * or when the lease has expired; otherwise the journal belongs to another cluster.
 */
public final class JournalOwner {

  /** The row as read, with whether the database's clock says it has expired. */
  public record Lease(String holder, OffsetDateTime expiresAt, long version, boolean expired) {}

  /** What {@link #acquire} found. */
  public sealed interface Outcome {}

  /** This node holds the lease now (until at least the database's now + ttl). */
  public record Held(Lease previous) implements Outcome {}

  /** Another cluster holds a lease that has not expired. */
  public record HeldByOther(Lease lease) implements Outcome {}

  /** What {@link #decide} says to do with the row. */
  public enum Decision {
    INSERT,
    RENEW,
    TAKE_OVER,
    REFUSE
  }

  private static final String TABLE = "parley_journal_owner";

  private final ConnectionSource connections;
  private final String expiresIn;

  /** Opens a connection to the journal database. */
  @FunctionalInterface
  public interface ConnectionSource {
    Connection connect() throws SQLException;
  }

  public JournalOwner(JournalDatabase database, Duration ttl) {
    this(database::connect, database.kind(), ttl);
  }

  JournalOwner(ConnectionSource connections, JournalDatabase.Kind kind, Duration ttl) {
    this.connections = connections;
    long millis = ttl.toMillis();
    if (millis <= 0) {
      throw new IllegalArgumentException("the journal owner's ttl must be positive, got " + ttl);
    }
    // a number from the configuration, never user input: inlined
    this.expiresIn =
        kind == JournalDatabase.Kind.POSTGRESQL
            ? "CURRENT_TIMESTAMP + INTERVAL '" + millis + " milliseconds'"
            : "DATEADD(MILLISECOND, " + millis + ", CURRENT_TIMESTAMP)";
  }

  /** The rules, without a database. {@code isMember}: is that holder a member of my cluster. */
  public static Decision decide(Optional<Lease> current, String me, Predicate<String> isMember) {
    if (current.isEmpty()) {
      return Decision.INSERT;
    }
    Lease lease = current.get();
    if (lease.holder().equals(me)) {
      return Decision.RENEW;
    }
    if (isMember.test(lease.holder()) || lease.expired()) {
      return Decision.TAKE_OVER;
    }
    return Decision.REFUSE;
  }

  /** The row, if any. */
  public Optional<Lease> read() throws SQLException {
    try (Connection connection = connections.connect()) {
      return read(connection);
    }
  }

  /**
   * Takes or renews the lease for {@code me} (for ttl from the database's now) when {@link
   * #decide} allows it. A lost race (another node changed the row between read and write) is
   * decided again on the new row.
   */
  public Outcome acquire(String me, Predicate<String> isMember) throws SQLException {
    try (Connection connection = connections.connect()) {
      for (int attempt = 0; ; attempt++) {
        Optional<Lease> current = read(connection);
        Decision decision = decide(current, me, isMember);
        if (decision == Decision.REFUSE) {
          return new HeldByOther(current.orElseThrow());
        }
        if (write(connection, decision, me, current)) {
          return new Held(current.orElse(null));
        }
        if (attempt >= 5) {
          throw new SQLException("the journal owner row keeps changing; giving up for now");
        }
      }
    }
  }

  /**
   * Ends the lease of {@code me} now (if it still holds it), so that the next owner does not wait
   * for it to expire. Returns whether it held it.
   */
  public boolean release(String me) throws SQLException {
    try (Connection connection = connections.connect();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE "
                    + TABLE
                    + " SET expires_at = CURRENT_TIMESTAMP, version = version + 1"
                    + " WHERE id = 1 AND holder = ?")) {
      update.setString(1, me);
      return update.executeUpdate() == 1;
    }
  }

  private static Optional<Lease> read(Connection connection) throws SQLException {
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT holder, expires_at, version,"
                    + " CASE WHEN expires_at <= CURRENT_TIMESTAMP THEN 1 ELSE 0 END"
                    + " FROM "
                    + TABLE
                    + " WHERE id = 1");
        ResultSet row = query.executeQuery()) {
      if (!row.next()) {
        return Optional.empty();
      }
      return Optional.of(
          new Lease(
              row.getString(1),
              row.getObject(2, OffsetDateTime.class),
              row.getLong(3),
              row.getInt(4) == 1));
    }
  }

  /** False when another node got there first (the row changed, or was inserted meanwhile). */
  private boolean write(
      Connection connection, Decision decision, String me, Optional<Lease> current)
      throws SQLException {
    if (decision == Decision.INSERT) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + TABLE
                  + " (id, holder, expires_at, version) VALUES (1, ?, "
                  + expiresIn
                  + ", 1)")) {
        insert.setString(1, me);
        return insert.executeUpdate() == 1;
      } catch (SQLException e) {
        if ("23505".equals(e.getSQLState())) {
          return false; // the primary key: another node inserted the row first
        }
        throw e;
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE "
                + TABLE
                + " SET holder = ?, expires_at = "
                + expiresIn
                + ", version = version + 1 WHERE id = 1 AND version = ?")) {
      update.setString(1, me);
      update.setLong(2, current.orElseThrow().version());
      return update.executeUpdate() == 1;
    }
  }
}
