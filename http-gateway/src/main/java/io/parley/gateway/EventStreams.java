package io.parley.gateway;

import io.parley.persistence.LiveRoomEvents;
import io.parley.protocol.FrameEncoder;
import io.parley.room.RoomCommand;
import io.parley.room.RoomState;
import io.parley.room.Rooms;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The server-sent-events read path of a room: a snapshot event, then one event per change with
 * the version as its id, so that {@code Last-Event-ID} resumes exactly.
 */
public final class EventStreams {

  private final Rooms rooms;
  private final LiveRoomEvents live;
  private final FrameEncoder encoder;
  private final GatewaySettings settings;

  public EventStreams(
      Rooms rooms, LiveRoomEvents live, FrameEncoder encoder, GatewaySettings settings) {
    this.rooms = rooms;
    this.live = live;
    this.encoder = encoder;
    this.settings = settings;
  }

  /**
   * The stream of {@code roomId}: after {@code lastEventId} when the reader resumes and is not
   * too far behind, otherwise from a fresh snapshot.
   */
  public Source<ByteString, NotUsed> stream(String roomId, Optional<Long> lastEventId) {
    return Source.completionStage(
            rooms
                .room(roomId)
                .<RoomState>ask(RoomCommand.GetSnapshot::new, settings.commandTimeout()))
        .flatMapConcat(state -> startingAt(roomId, state, lastEventId))
        .keepAlive(settings.heartbeatInterval(), () -> HEARTBEAT);
  }

  /** An SSE comment line: ignored by EventSource clients, enough to keep proxies from timing out. */
  private static final ByteString HEARTBEAT = ByteString.fromString(": heartbeat\n\n");

  private static ByteString event(String type, long id, String data) {
    StringBuilder text = new StringBuilder();
    text.append("event: ").append(type).append('\n');
    text.append("id: ").append(id).append('\n');
    for (String line : data.split("\n", -1)) {
      text.append("data: ").append(line).append('\n');
    }
    return ByteString.fromString(text.append('\n').toString());
  }

  private Source<ByteString, NotUsed> startingAt(
      String roomId, RoomState state, Optional<Long> lastEventId) {
    boolean resumes = settings.resumes(lastEventId, state.version());
    long from = resumes ? lastEventId.get() : state.version();
    Source<ByteString, NotUsed> events =
        live.from(roomId, from + 1)
            .map(e -> event("event", e.version(), encoder.event(e.version(), e.event())));
    if (resumes) {
      return events;
    }
    ByteString snapshot =
        event("snapshot", state.version(), encoder.snapshotDocument(roomId, state));
    return Source.single(snapshot).concat(events);
  }
}
