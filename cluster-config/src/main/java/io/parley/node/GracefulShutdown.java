package io.parley.node;

import io.parley.gateway.GatewayDrain;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a node's coordinated shutdown, in order: stop accepting connections
 * ({@code service-unbind}), tell every WebSocket client to reconnect elsewhere and end every SSE
 * stream, then end what is left ({@code service-requests-done}). The rooms have recorded the
 * ended sessions by the time sharding hands them off ({@code cluster-sharding-shutdown-region})
 * and the journal's database closes, when the actor system has terminated.
 *
 * <p>Pekko HTTP's own {@code addToCoordinatedShutdown} is not used: it terminates the binding in
 * {@code service-requests-done} in parallel with any task of ours there, and termination cuts
 * WebSockets without a close frame (clients see 1006) before they are told to reconnect.
 */
final class GracefulShutdown {

  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

  /**
   * After the drain, what is left are REST reads and clients that did not answer the close: they
   * get this long, then their connections are closed.
   */
  private static final Duration TERMINATE_DEADLINE = Duration.ofSeconds(1);

  private GracefulShutdown() {}

  static void register(
      ActorSystem<?> system, ServerBinding binding, GatewayDrain gateway, Duration drainTimeout) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    Executor executor = system.executionContext();
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "parley-http-unbind",
        () -> binding.unbind().thenApply(unbound -> Done.getInstance()));
    shutdown.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "parley-http-drain",
        () ->
            boundedBy(drainTimeout, gateway.drain(), system)
                .thenComposeAsync(
                    drained -> {
                      int left = gateway.openConnections();
                      if (left > 0) {
                        log.warn(
                            "{} WebSocket clients did not close within {} ms; cutting them off",
                            left,
                            drainTimeout.toMillis());
                      } else {
                        log.info("every WebSocket client was told to reconnect and has closed; every SSE stream has ended");
                      }
                      return binding.terminate(TERMINATE_DEADLINE);
                    },
                    executor)
                .thenApply(terminated -> Done.getInstance()));
  }

  /** Whichever comes first: {@code stage} or the end of {@code timeout}. */
  private static CompletionStage<Done> boundedBy(
      Duration timeout, CompletionStage<Done> stage, ActorSystem<?> system) {
    CompletionStage<Done> deadline =
        Patterns.after(
            timeout,
            system.classicSystem().scheduler(),
            system.executionContext(),
            () -> CompletableFuture.completedFuture(Done.getInstance()));
    return stage.applyToEither(deadline, done -> done);
  }
}
