package io.parley.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.room.RoomEntity;
import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import io.parley.room.SessionInbox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Journal rows written before {@link RoomEvent.MemberLeft} had a reason, in a real journal table
 * (H2 and PostgreSQL, schema from the Flyway migrations), read back by the real Pekko Persistence
 * JDBC plugins: the read journal and the recovery of an event-sourced room state. The rows are
 * byte for byte what Parley wrote at commit ba042a6.
 */
class OldEventsTest {

  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String POSTGRES_USER = "postgres";
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final int JACKSON_CBOR_ID = 33;

  private static final Instant JOINED_AT = Instant.parse("2025-06-07T08:09:10.123456789Z");
  private static final Instant LEFT_AT = Instant.parse("2025-06-07T08:10:10.123456789Z");

  /**
   * {@code MemberJoined("alice", "s-alice-1", "Alice", "#1e90ff",
   * pekko://parley/system/connection-1#-646456874, JOINED_AT)}, manifest {@code
   * io.parley.room.RoomEvent$MemberJoined} (this event did not change).
   */
  private static final String OLD_MEMBER_JOINED_CBOR =
      "bf64747970656d6d656d6265725f6a6f696e65646675736572496465616c6963656973657373696f6e496469"
          + "732d616c6963652d31646e616d6565416c69636565636f6c6f7267233165393066666a636f6e6e656374"
          + "696f6e782d70656b6b6f3a2f2f7061726c65792f73797374656d2f636f6e6e656374696f6e2d31232d36"
          + "3436343536383734626174781e323032352d30362d30375430383a30393a31302e3132333435363738"
          + "395aff";

  private static final String OLD_JOINED_MANIFEST = "io.parley.room.RoomEvent$MemberJoined";

  /**
   * {@code MemberLeft("alice", "s-alice-1", LEFT_AT)} in its old form: {@code
   * {"type":"member_left","userId":"alice","sessionId":"s-alice-1","at":…}}, manifest without a
   * version.
   */
  private static final String OLD_MEMBER_LEFT_CBOR =
      "bf64747970656b6d656d6265725f6c6566746675736572496465616c6963656973657373696f6e496469732d"
          + "616c6963652d31626174781e323032352d30362d30375430383a31303a31302e3132333435363738395aff";

  private static final String OLD_LEFT_MANIFEST = "io.parley.room.RoomEvent$MemberLeft";

  enum Database {
    H2,
    POSTGRESQL
  }

  @TempDir Path dataDir;

  private JournalDatabase database;
  private String user = "";
  private String schema;
  private ActorTestKit kit;

  @AfterEach
  void shutDown() throws SQLException {
    if (kit != null) {
      kit.shutdownTestKit();
    }
    if (database == null) {
      return;
    }
    if (database.kind() == JournalDatabase.Kind.H2) {
      // DB_CLOSE_DELAY=-1 keeps it open for the whole JVM; close it before the folder goes.
      try (Connection connection = DriverManager.getConnection(database.url());
          Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      }
    } else {
      try (Connection connection = DriverManager.getConnection(POSTGRES, POSTGRES_USER, "");
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /** A migrated, empty journal database and an actor system whose plugins use it. */
  private void start(Database kind) {
    String url = "";
    if (kind == Database.POSTGRESQL) {
      schema = "parley_old_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      url = POSTGRES + "?currentSchema=" + schema;
      user = POSTGRES_USER;
    }
    Map<String, Object> settings = new HashMap<>();
    settings.put("parley.data-dir", dataDir.toString());
    settings.put("parley.database.url", url);
    settings.put("parley.database.user", user);
    settings.put("parley.database.password", "");
    Config base = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()).resolve();
    database = JournalDatabase.fromConfig(base);
    assertEquals(3, database.migrate()); // V1 journal, V2 journal owner, V3 registry

    Config config =
        database
            .pekkoConfig()
            .withFallback(
                ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "pekko.loglevel = WARNING",
                        "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                        "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"")))
            .withFallback(ConfigFactory.parseResources("parley/persistence.conf"))
            .withFallback(base)
            .resolve();
    kit = ActorTestKit.create("OldEventsTest", config);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(database.url(), user, "");
  }

  private static String persistenceId(String roomId) {
    return PersistenceId.of(RoomEntity.TYPE_KEY.name(), roomId).id();
  }

  /** A row as the JDBC journal plugin writes it. */
  private void insertRow(String roomId, long sequenceNr, String manifest, String payloadHex)
      throws SQLException {
    try (Connection connection = connect();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO event_journal (persistence_id, sequence_number, deleted, writer,"
                    + " write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest,"
                    + " event_payload) VALUES (?, ?, FALSE, ?, ?, '', ?, ?, ?)")) {
      insert.setString(1, persistenceId(roomId));
      insert.setLong(2, sequenceNr);
      insert.setString(3, "written-by-ba042a6");
      insert.setLong(4, JOINED_AT.toEpochMilli());
      insert.setInt(5, JACKSON_CBOR_ID);
      insert.setString(6, manifest);
      insert.setBytes(7, HexFormat.of().parseHex(payloadHex));
      assertEquals(1, insert.executeUpdate());
    }
  }

  private void insertOldJoinAndLeave(String roomId) throws SQLException {
    insertRow(roomId, 1, OLD_JOINED_MANIFEST, OLD_MEMBER_JOINED_CBOR);
    insertRow(roomId, 2, OLD_LEFT_MANIFEST, OLD_MEMBER_LEFT_CBOR);
  }

  private List<Object> readJournal(String roomId) throws Exception {
    JdbcReadJournal journal =
        PersistenceQuery.get(kit.system())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    List<EventEnvelope> envelopes =
        journal
            .currentEventsByPersistenceId(persistenceId(roomId), 0, Long.MAX_VALUE)
            .runWith(Sink.seq(), kit.system())
            .toCompletableFuture()
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    List<Object> events = new ArrayList<>();
    for (int i = 0; i < envelopes.size(); i++) {
      assertEquals(i + 1, envelopes.get(i).sequenceNr());
      events.add(envelopes.get(i).event());
    }
    return events;
  }

  private Map<Long, String> manifests(String roomId) throws SQLException {
    Map<Long, String> manifests = new HashMap<>();
    try (Connection connection = connect();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT sequence_number, event_ser_manifest FROM event_journal"
                    + " WHERE persistence_id = ?")) {
      query.setString(1, persistenceId(roomId));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          manifests.put(rows.getLong(1), rows.getString(2));
        }
      }
    }
    return manifests;
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void theReadJournalReadsAnOldMemberLeftWithReasonLeft(Database kind) throws Exception {
    start(kind);
    insertOldJoinAndLeave("lobby");

    List<Object> events = readJournal("lobby");
    assertEquals(2, events.size(), () -> "events: " + events);
    RoomEvent.MemberJoined joined = assertInstanceOf(RoomEvent.MemberJoined.class, events.get(0));
    assertEquals("alice", joined.userId());
    assertEquals("s-alice-1", joined.sessionId());
    assertEquals(JOINED_AT, joined.at());
    assertEquals(new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, LEFT_AT), events.get(1));
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aRoomRecoveredFromOldRowsIsEmptyAndGoesOnWithVersionTwoRows(Database kind)
      throws Exception {
    start(kind);
    insertOldJoinAndLeave("lobby");

    TestProbe<RoomState> states = kit.createTestProbe();
    ActorRef<RecoveredRoom.Command> room = kit.spawn(RecoveredRoom.create("lobby"));
    room.tell(new RecoveredRoom.GetState(states.getRef()));
    RoomState recovered = states.receiveMessage(TIMEOUT);
    assertEquals(2, recovered.version());
    assertTrue(recovered.members().isEmpty(), () -> "members: " + recovered.members());

    // The room goes on: a new join and a leave after the grace period, written by this build.
    ActorRef<SessionInbox> connection = kit.<SessionInbox>createTestProbe().getRef();
    Instant later = LEFT_AT.plusSeconds(600);
    TestProbe<Done> done = kit.createTestProbe();
    room.tell(
        new RecoveredRoom.Persist(
            List.of(
                new RoomEvent.MemberJoined("bob", "s-bob-1", "Bob", "#00bb00", connection, later),
                new RoomEvent.MemberLeft("bob", RoomEvent.LeaveReason.TIMED_OUT, later)),
            done.getRef()));
    done.receiveMessage(TIMEOUT);

    assertEquals(
        Map.of(
            1L, OLD_JOINED_MANIFEST,
            2L, OLD_LEFT_MANIFEST,
            3L, OLD_JOINED_MANIFEST,
            4L, OLD_LEFT_MANIFEST + "#2"),
        manifests("lobby"),
        "events with a migration are written with their version in the manifest");

    // Stopped and recovered again: old and new rows together.
    TestProbe<Object> watcher = kit.createTestProbe();
    room.tell(new RecoveredRoom.Stop());
    watcher.expectTerminated(room, TIMEOUT);
    ActorRef<RecoveredRoom.Command> again = kit.spawn(RecoveredRoom.create("lobby"));
    again.tell(new RecoveredRoom.GetState(states.getRef()));
    RoomState afterRestart = states.receiveMessage(TIMEOUT);
    assertEquals(4, afterRestart.version());
    assertTrue(afterRestart.members().isEmpty(), () -> "members: " + afterRestart.members());

    List<Object> events = readJournal("lobby");
    assertEquals(new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, LEFT_AT), events.get(1));
    assertEquals(new RoomEvent.MemberLeft("bob", RoomEvent.LeaveReason.TIMED_OUT, later), events.get(3));
  }

  /**
   * The room state as {@code RoomEntity} folds it, without the entity's behaviour: what recovery
   * from the journal gives.
   */
  static final class RecoveredRoom
      extends EventSourcedBehavior<RecoveredRoom.Command, RoomEvent, RoomState> {

    interface Command {}

    record GetState(ActorRef<RoomState> replyTo) implements Command {}

    record Persist(List<RoomEvent> events, ActorRef<Done> replyTo) implements Command {}

    record Stop() implements Command {}

    private static final RoomState.Bounds BOUNDS = new RoomState.Bounds(50, 100);

    static RecoveredRoom create(String roomId) {
      return new RecoveredRoom(roomId);
    }

    private RecoveredRoom(String roomId) {
      super(PersistenceId.of(RoomEntity.TYPE_KEY.name(), roomId));
    }

    @Override
    public RoomState emptyState() {
      return RoomState.empty();
    }

    @Override
    public CommandHandler<Command, RoomEvent, RoomState> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              GetState.class, (state, get) -> Effect().none().thenReply(get.replyTo(), s -> s))
          .onCommand(
              Persist.class,
              persist ->
                  Effect().persist(persist.events()).thenReply(persist.replyTo(), s -> Done.getInstance()))
          .onCommand(Stop.class, stop -> Effect().stop())
          .build();
    }

    @Override
    public EventHandler<RoomState, RoomEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state.apply(event, BOUNDS));
    }
  }
}
