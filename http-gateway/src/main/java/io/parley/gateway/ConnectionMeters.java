package io.parley.gateway;

import io.parley.room.RejectCode;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What one connection adds to its node's {@link GatewayMetrics} and log: the time each command
 * waits for its answer, a slow consumer, the session it opened. Used by its {@link
 * ConnectionActor} only (one thread at a time), within the actor's logging context.
 */
final class ConnectionMeters {

  private static final Logger log = LoggerFactory.getLogger(ConnectionActor.class);

  private final GatewayMetrics metrics;
  /** When each command waiting for its answer was sent to the room. */
  private final Map<String, Long> sentAt = new HashMap<>();

  private ConnectionMeters(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  /** The meters of the connection {@code context} runs, which just opened. */
  static ConnectionMeters of(ActorContext<?> context) {
    log.debug("connection opened");
    return new ConnectionMeters(GatewayMetrics.of(context.getSystem()));
  }

  void commandSent(String commandId) {
    sentAt.put(commandId, System.nanoTime());
  }

  /** Its answer arrived (ack or reject): the time it took is recorded. */
  void answered(String commandId) {
    Long sent = sentAt.remove(commandId);
    if (sent != null) {
      metrics.answered(System.nanoTime() - sent);
    }
  }

  /** The command timed out: its answer, if it ever comes, is not waited for. */
  void forget(String commandId) {
    sentAt.remove(commandId);
  }

  /** The room rejected a command (its code, never its content), for the log. */
  void rejected(String commandId, RejectCode code) {
    log.debug("command {} rejected: {}", commandId, code.wireName());
  }

  void slowConsumer() {
    metrics.slowConsumer();
  }

  /**
   * The session opened: the rest of this message logs with its context ({@code mdc}), as the
   * messages after it do.
   */
  void joined(Map<String, String> mdc) {
    mdc.forEach(MDC::put);
  }

  /** The connection is closing or closed ({@code how}), for the log. */
  void closed(String how) {
    log.debug("connection {}", how);
  }
}
