package io.parley.benchmarks.floor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.gateway.CloseStatus;
import io.parley.gateway.InboundMessage;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One connection of the floor: the messages of its client, read on the connection's stream,
 * and a bounded queue of the frames for it, which any room thread fills. Speaks the part of
 * protocol v1 the benchmark clients use: {@code hello}, {@code cursor}, {@code set}, {@code
 * ping}, {@code leave}. Nothing is validated, stored or coalesced.
 */
final class FloorSocket {

  /** What Parley closes a connection with when its client does not keep up (docs/PROTOCOL.md). */
  private static final CloseStatus SLOW_CONSUMER = new CloseStatus(4000, "slow_consumer");

  private final String roomId;
  private final FloorRooms rooms;
  private final FloorFrames frames;
  private final ObjectMapper json;
  private final String sessionId = UUID.randomUUID().toString();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile BoundedSourceQueue<String> outbound;
  private volatile CloseStatus closeStatus = CloseStatus.NORMAL;
  // read and written on the connection's stream only
  private String userId;
  private FloorRoom room;

  FloorSocket(String roomId, FloorRooms rooms, FloorFrames frames, ObjectMapper json) {
    this.roomId = roomId;
    this.rooms = rooms;
    this.frames = frames;
    this.json = json;
  }

  /**
   * The connection's handler: what the client sends goes to {@link #receive}, what is queued for
   * it goes out. The queue is a stage of this flow, not a stream of its own, so that a connection
   * costs no more than Pekko HTTP's WebSocket stack and this. When the client's side ends, the
   * socket leaves its room and the queue completes, which closes the WebSocket.
   */
  Flow<InboundMessage, String, NotUsed> flow(int outboundBuffer) {
    return Flow.fromSinkAndSourceMat(
        Sink.<InboundMessage>foreach(this::receive),
        Source.<String>queue(outboundBuffer),
        (done, queue) -> {
          // materialized before the stream runs: no message is received before this
          outbound = queue;
          done.whenComplete((ok, failure) -> end());
          return NotUsed.getInstance();
        });
  }

  /** The status the close of this connection carries, read when its queue has completed. */
  CloseStatus closeStatus() {
    return closeStatus;
  }

  /**
   * Queues {@code frame} for the client, from any thread. A full queue ends the connection as
   * Parley ends a slow consumer's.
   */
  void offer(String frame) {
    if (outbound.offer(frame) == QueueOfferResult.dropped()) {
      closeStatus = SLOW_CONSUMER;
      outbound.complete();
    }
  }

  private void receive(InboundMessage message) {
    if (!(message instanceof InboundMessage.Text text)) {
      offer(frames.error("bad_frame", "the floor reads JSON text frames only"));
      return;
    }
    JsonNode frame;
    try {
      frame = json.readTree(text.text());
    } catch (JsonProcessingException e) {
      offer(frames.error("bad_frame", "not valid JSON"));
      return;
    }
    switch (frame.path("type").asText()) {
      case "hello" -> hello(frame);
      case "cursor" -> {
        if (joined()) {
          room.relay(this, frames.cursors(userId, sessionId, frame));
        }
      }
      case "set" -> {
        if (joined()) {
          room.change(
              this,
              version -> frames.stateChanged(version, userId, frame),
              version -> frames.ack(frame.get("id"), version));
        }
      }
      case "ping" -> offer(frames.pong(frame.get("id")));
      case "leave" -> end();
      default ->
          offer(
              frames.error(
                  "unknown_type",
                  "the transport floor serves hello, cursor, set, ping and leave only"));
    }
  }

  private void hello(JsonNode hello) {
    if (room != null || ended.get()) {
      offer(frames.error("protocol_order", "hello once, first"));
      return;
    }
    userId = hello.path("userId").asText();
    room = rooms.join(roomId, this, version -> frames.welcome(roomId, sessionId, userId, version));
  }

  private boolean joined() {
    if (room == null) {
      offer(frames.error("protocol_order", "hello first"));
      return false;
    }
    return !ended.get();
  }

  /** Leaves the room and closes the connection once the queued frames are out; once. */
  private void end() {
    if (ended.compareAndSet(false, true)) {
      rooms.leave(roomId, this);
      outbound.complete();
    }
  }
}
