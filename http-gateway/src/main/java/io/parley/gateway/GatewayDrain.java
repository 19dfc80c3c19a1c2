package io.parley.gateway;

import io.parley.room.SessionInbox;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The gateway's part of a node's graceful shutdown. Once {@link #drain()} is called, new
 * WebSocket and SSE requests are refused, every open WebSocket is told to reconnect elsewhere
 * (its session ends as lost, so its member is away, not gone) and closes, and every SSE stream
 * completes, so that {@code EventSource} reconnects with {@code Last-Event-ID}.
 */
public final class GatewayDrain {

  /** The {@code reason} of the {@code reconnect} frame. */
  static final String REASON = "node_shutting_down";

  private final Duration reconnectSpread;
  private final SharedKillSwitch eventStreams = KillSwitches.shared("parley-event-streams");
  private final Set<ActorRef<SessionInbox>> open = new HashSet<>();
  private int openEventStreams;
  private final CompletableFuture<Done> allClosed = new CompletableFuture<>();
  private boolean draining;

  public GatewayDrain(GatewaySettings settings) {
    this.reconnectSpread = settings.reconnectSpread();
  }

  public synchronized boolean isDraining() {
    return draining;
  }

  /**
   * Starts the drain; completes once every WebSocket that was open has closed and every SSE
   * stream has ended. Its caller bounds the wait: a client that does not answer the close keeps
   * its socket until the HTTP server is terminated, which would also cut an SSE response still
   * being written.
   */
  public synchronized CompletionStage<Done> drain() {
    if (!draining) {
      draining = true;
      eventStreams.shutdown();
      open.forEach(this::reconnect);
      completeIfAllClosed();
    }
    return allClosed;
  }

  public synchronized int openConnections() {
    return open.size();
  }

  /** Where an SSE stream goes through, so that the drain ends it normally and waits for it. */
  Flow<ByteString, ByteString, NotUsed> eventStream() {
    return Flow.<ByteString>create()
        .via(eventStreams.flow())
        .watchTermination(
            (notUsed, done) -> {
              eventStreamOpened();
              done.whenComplete((ok, failure) -> eventStreamClosed());
              return NotUsed.getInstance();
            });
  }

  private synchronized void eventStreamOpened() {
    openEventStreams++;
  }

  private synchronized void eventStreamClosed() {
    openEventStreams--;
    completeIfAllClosed();
  }

  /** A WebSocket's stream started; one that starts during the drain is told to go at once. */
  synchronized void opened(ActorRef<SessionInbox> connection) {
    open.add(connection);
    if (draining) {
      reconnect(connection);
    }
  }

  synchronized void closed(ActorRef<SessionInbox> connection) {
    open.remove(connection);
    completeIfAllClosed();
  }

  private void completeIfAllClosed() {
    if (draining && open.isEmpty() && openEventStreams == 0) {
      allClosed.complete(Done.getInstance());
    }
  }

  /**
   * Each client gets its own delay within the spread, so that the clients of a node do not all
   * reconnect to the other nodes in the same instant.
   */
  private void reconnect(ActorRef<SessionInbox> connection) {
    long spread = reconnectSpread.toMillis();
    Duration after =
        Duration.ofMillis(spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(spread + 1));
    connection.tell(new ConnectionActor.Reconnect(after));
  }
}
