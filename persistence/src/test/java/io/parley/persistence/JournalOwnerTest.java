package io.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.parley.persistence.JournalOwner.Decision;
import io.parley.persistence.JournalOwner.Held;
import io.parley.persistence.JournalOwner.HeldByOther;
import io.parley.persistence.JournalOwner.Lease;
import io.parley.persistence.JournalOwner.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease rules, and their SQL on an in-memory H2 database migrated like a real journal. */
class JournalOwnerTest {

  private static final String A1 = "pekko://parley@127.0.0.1:25520#1";
  private static final String A2 = "pekko://parley@127.0.0.1:25521#2";
  private static final String B1 = "pekko://parley@127.0.0.1:25530#3";
  private static final Set<String> CLUSTER_A = Set.of(A1, A2);
  private static final Set<String> CLUSTER_B = Set.of(B1);

  private JournalDatabase database;
  private JournalOwner owner;

  @BeforeEach
  void migrate() {
    database =
        JournalDatabase.fromConfig(
            ConfigFactory.parseMap(
                    Map.of(
                        "parley.data-dir", "unused",
                        "parley.database.url",
                            "jdbc:h2:mem:owner-"
                                + UUID.randomUUID()
                                + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=FALSE",
                        "parley.database.user", "",
                        "parley.database.password", "",
                        "parley.database.pool-size", 1))
                .withFallback(ConfigFactory.load())
                .resolve());
    database.migrate();
    owner = new JournalOwner(database, Duration.ofMinutes(1));
  }

  @Test
  void rules() {
    Lease live = new Lease(A1, OffsetDateTime.now(), 1, false);
    Lease expired = new Lease(A1, OffsetDateTime.now(), 1, true);
    assertThat(JournalOwner.decide(Optional.empty(), B1, CLUSTER_B::contains))
        .isEqualTo(Decision.INSERT);
    assertThat(JournalOwner.decide(Optional.of(live), A1, CLUSTER_A::contains))
        .isEqualTo(Decision.RENEW);
    assertThat(JournalOwner.decide(Optional.of(live), A2, CLUSTER_A::contains))
        .isEqualTo(Decision.TAKE_OVER);
    assertThat(JournalOwner.decide(Optional.of(live), B1, CLUSTER_B::contains))
        .isEqualTo(Decision.REFUSE);
    assertThat(JournalOwner.decide(Optional.of(expired), B1, CLUSTER_B::contains))
        .isEqualTo(Decision.TAKE_OVER);
  }

  @Test
  void theFirstNodeTakesItAnotherClusterIsRefusedAndItsOwnClusterSharesIt() throws SQLException {
    assertThat(owner.read()).isEmpty();
    assertThat(owner.acquire(A1, CLUSTER_A::contains)).isInstanceOf(Held.class);
    Lease first = owner.read().orElseThrow();
    assertThat(first.holder()).isEqualTo(A1);
    assertThat(first.expired()).isFalse();

    Outcome refused = owner.acquire(B1, CLUSTER_B::contains);
    assertThat(refused).isInstanceOf(HeldByOther.class);
    assertThat(((HeldByOther) refused).lease().holder()).isEqualTo(A1);
    assertThat(owner.read().orElseThrow()).isEqualTo(first);

    // renewal by the holder, then a handover to another member of its cluster
    assertThat(owner.acquire(A1, CLUSTER_A::contains)).isInstanceOf(Held.class);
    assertThat(owner.read().orElseThrow().version()).isEqualTo(first.version() + 1);
    assertThat(owner.acquire(A2, CLUSTER_A::contains)).isInstanceOf(Held.class);
    assertThat(owner.read().orElseThrow().holder()).isEqualTo(A2);
    assertThat(owner.acquire(B1, CLUSTER_B::contains)).isInstanceOf(HeldByOther.class);
  }

  @Test
  void aReleasedLeaseIsFreeAtOnce() throws SQLException {
    owner.acquire(A1, CLUSTER_A::contains);
    assertThat(owner.release(B1)).as("only the holder releases").isFalse();
    assertThat(owner.acquire(B1, CLUSTER_B::contains)).isInstanceOf(HeldByOther.class);
    assertThat(owner.release(A1)).isTrue();
    assertThat(owner.read().orElseThrow().expired()).isTrue();
    assertThat(owner.acquire(B1, CLUSTER_B::contains)).isInstanceOf(Held.class);
    assertThat(owner.read().orElseThrow().holder()).isEqualTo(B1);
  }

  @Test
  void anExpiredLeaseIsFreeTheDatabaseClockDecides() throws SQLException {
    owner.acquire(A1, CLUSTER_A::contains);
    assertThat(owner.acquire(B1, CLUSTER_B::contains)).isInstanceOf(HeldByOther.class);
    // the database's clock moves past the lease (rather than the test waiting for it)
    execute("UPDATE parley_journal_owner SET expires_at = DATEADD(SECOND, -1, CURRENT_TIMESTAMP)");
    assertThat(owner.read().orElseThrow().expired()).isTrue();
    assertThat(owner.acquire(B1, CLUSTER_B::contains)).isInstanceOf(Held.class);
    // and the former holder, back, is refused
    assertThat(owner.acquire(A1, CLUSTER_A::contains)).isInstanceOf(HeldByOther.class);
  }

  @Test
  void twoClustersRacingForAnEmptyTableOneWins() throws Exception {
    for (int round = 0; round < 20; round++) {
      execute("DELETE FROM parley_journal_owner");
      CyclicBarrier start = new CyclicBarrier(2);
      List<CompletableFuture<Outcome>> racers = new ArrayList<>();
      for (String node : List.of(A1, B1)) {
        racers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await();
                    return owner.acquire(node, Set.of(node)::contains);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      List<Outcome> outcomes = racers.stream().map(CompletableFuture::join).toList();
      assertThat(outcomes).filteredOn(Held.class::isInstance).hasSize(1);
      assertThat(outcomes).filteredOn(HeldByOther.class::isInstance).hasSize(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
