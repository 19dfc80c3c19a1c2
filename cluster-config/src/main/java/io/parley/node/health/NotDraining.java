package io.parley.node.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/**
 * Readiness check ({@code pekko.management.health-checks.readiness-checks.parley-not-draining}):
 * false once the node is {@link Draining}.
 */
public final class NotDraining implements Supplier<CompletionStage<Boolean>> {

  private final Draining draining;

  public NotDraining(ActorSystem system) {
    this.draining = Draining.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(!draining.isDraining());
  }
}
