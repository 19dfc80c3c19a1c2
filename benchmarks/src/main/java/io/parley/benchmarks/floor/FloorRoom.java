package io.parley.benchmarks.floor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;

/**
 * The sockets of one room and its version counter, nothing else. Cursors go out from the
 * sender's thread over a copy of the member list; durable changes are numbered and sent under
 * the room's lock, so that every socket gets them in version order.
 */
final class FloorRoom {

  private final List<FloorSocket> sockets = new CopyOnWriteArrayList<>();
  private long version;

  /**
   * Adds {@code socket}, its welcome (made with the room's version) queued first, so that nothing
   * of the room reaches it before the welcome.
   */
  synchronized void join(FloorSocket socket, LongFunction<String> welcome) {
    socket.offer(welcome.apply(version));
    sockets.add(socket);
  }

  /** Whether the room is empty once {@code socket} is gone. */
  boolean leave(FloorSocket socket) {
    sockets.remove(socket);
    return sockets.isEmpty();
  }

  /** Sends {@code frame} to every socket of the room but {@code from}. */
  void relay(FloorSocket from, String frame) {
    for (FloorSocket socket : sockets) {
      if (socket != from) {
        socket.offer(frame);
      }
    }
  }

  /**
   * A durable change under the next version: its event to every socket, the sender's included,
   * then the sender's ack, the order Parley promises (docs/PROTOCOL.md, ack and reject).
   */
  synchronized void change(FloorSocket from, LongFunction<String> event, LongFunction<String> ack) {
    long next = ++version;
    String frame = event.apply(next);
    for (FloorSocket socket : sockets) {
      socket.offer(frame);
    }
    from.offer(ack.apply(next));
  }
}
