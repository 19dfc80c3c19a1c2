package io.parley.node;

import io.parley.gateway.Spawner;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The guardian of a node: the parent of every actor the node runs, so that they all stop with
 * it. It spawns what the node asks for, the
 * lasting actors (the rooms' overload responder) and those that come and go (one per WebSocket
 * connection).
 */
public final class NodeGuardian {

  /** A spawn is local and quick; a node that cannot do one in this time is failing. */
  private static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(5);

  private NodeGuardian() {}

  public static Behavior<SpawnProtocol.Command> create() {
    return SpawnProtocol.create();
  }

  /** Spawns children of the guardian of {@code system}. */
  public static Spawner spawner(ActorSystem<SpawnProtocol.Command> system) {
    return new Spawner() {
      @Override
      public <T> CompletionStage<ActorRef<T>> spawn(Behavior<T> behavior, String name) {
        return AskPattern.ask(
            system,
            replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo),
            SPAWN_TIMEOUT,
            system.scheduler());
      }
    };
  }
}
