package io.parley.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.parley.persistence.JournalDatabase;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry's SQL on an in-memory H2 database migrated like a real journal. */
class PublicRoomsTableTest {

  private static final Instant T1 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-12-01T10:00:05Z");

  private Connection connection;

  @BeforeEach
  void migrate() throws Exception {
    JournalDatabase database =
        JournalDatabase.fromConfig(
            ConfigFactory.parseMap(
                    Map.of(
                        "parley.data-dir", "unused",
                        "parley.database.url",
                            "jdbc:h2:mem:registry-"
                                + UUID.randomUUID()
                                + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=FALSE"))
                .withFallback(ConfigFactory.load())
                .resolve());
    database.migrate();
    connection = database.connect();
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
  }

  private void apply(RegistryChange... changes) throws Exception {
    for (RegistryChange change : changes) {
      PublicRoomsTable.apply(connection, change);
    }
  }

  @Test
  void aListedRoomCountsItsMembersFromItsListingAndGoesWhenUnlisted() throws Exception {
    apply(
        new RegistryChange.Listed("plan", "Planning", 2, T1),
        new RegistryChange.MembersChanged("plan", 1, T1),
        new RegistryChange.MembersChanged("plan", -1, T1),
        new RegistryChange.MembersChanged("plan", -1, T1),
        new RegistryChange.Active("plan", T2),
        new RegistryChange.Listed("other", "Other", 0, T1),
        new RegistryChange.MembersChanged("other", -1, T1));

    assertThat(PublicRoomsTable.page(connection, 10, Optional.empty()).rooms())
        .containsExactly(
            new PublicRoom("other", "Other", 0, T1), new PublicRoom("plan", "Planning", 1, T2));

    apply(new RegistryChange.Unlisted("plan"), new RegistryChange.Active("plan", T2));

    assertThat(PublicRoomsTable.page(connection, 10, Optional.empty()).rooms())
        .containsExactly(new PublicRoom("other", "Other", 0, T1));
  }

  @Test
  void listingAgainRenamesTheRoomAndCountsAfresh() throws Exception {
    apply(
        new RegistryChange.Listed("plan", "Planning", 2, T1),
        new RegistryChange.Listed("plan", "Review", 5, T2));

    assertThat(PublicRoomsTable.page(connection, 10, Optional.empty()).rooms())
        .containsExactly(new PublicRoom("plan", "Review", 5, T2));
  }

  @Test
  void pagesFollowTheRoomIdsAndTheLastOneHasNoNext() throws Exception {
    for (String room : new String[] {"c", "a", "e", "b", "d"}) {
      apply(new RegistryChange.Listed(room, room.toUpperCase(), 1, T1));
    }

    PublicRoomPage first = PublicRoomsTable.page(connection, 2, Optional.empty());
    PublicRoomPage second = PublicRoomsTable.page(connection, 2, first.next());
    PublicRoomPage last = PublicRoomsTable.page(connection, 2, second.next());

    assertThat(first.rooms()).extracting(PublicRoom::roomId).containsExactly("a", "b");
    assertThat(first.next()).contains("b");
    assertThat(second.rooms()).extracting(PublicRoom::roomId).containsExactly("c", "d");
    assertThat(last.rooms()).extracting(PublicRoom::roomId).containsExactly("e");
    assertThat(last.next()).isEmpty();
    assertThat(PublicRoomsTable.page(connection, 5, Optional.empty()).next())
        .as("exactly a page left: no next")
        .isEmpty();
  }
}
