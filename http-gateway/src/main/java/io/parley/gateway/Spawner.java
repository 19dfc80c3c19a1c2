package io.parley.gateway;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Starts an actor for the gateway under the node's guardian, which owns what a node runs; the
 * gateway starts one connection actor per WebSocket.
 */
@FunctionalInterface
public interface Spawner {

  <T> CompletionStage<ActorRef<T>> spawn(Behavior<T> behavior, String name);
}
