package io.parley.node.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Liveness check ({@code pekko.management.health-checks.liveness-checks.parley-actor-system}):
 * true while the node's actor system runs (also while it drains), false once it has terminated.
 */
public final class ActorSystemAlive implements Supplier<CompletionStage<Boolean>> {

  private final ActorSystem system;

  public ActorSystemAlive(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(!system.whenTerminated().isCompleted());
  }
}
