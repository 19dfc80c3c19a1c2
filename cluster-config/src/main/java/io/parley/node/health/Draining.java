package io.parley.node.health;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node is draining: leaving service so that load balancers and Kubernetes stop
 * sending it traffic. A node starts draining when coordinated shutdown starts (its first task,
 * in phase {@code before-service-unbind}: a SIGTERM, a leave, or being downed), or when {@link
 * #start()} is called; it never stops draining. Readiness ({@link NotDraining}) is false from
 * then on, while liveness stays true until the actor system has terminated.
 *
 * <p>Shutdown then waits {@code parley.node.drain.unready-delay} before the next phase unbinds
 * the HTTP listener: load balancers that follow readiness need a probe or two to stop sending
 * new connections, which meanwhile are still served.
 */
public final class Draining implements Extension {

  private static final Logger log = LoggerFactory.getLogger(Draining.class);

  /** The extension's id: {@code Draining.ID.get(system)}. */
  public static final Id ID = new Id();

  private final AtomicBoolean draining = new AtomicBoolean();

  private Draining(ExtendedActorSystem system) {
    Duration unreadyDelay =
        system.settings().config().getDuration("parley.node.drain.unready-delay");
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "parley-draining",
            () -> {
              start();
              return Patterns.after(
                  unreadyDelay,
                  system.scheduler(),
                  system.dispatcher(),
                  () -> CompletableFuture.completedFuture(Done.getInstance()));
            });
  }

  public static Draining get(ClassicActorSystemProvider system) {
    return ID.get(system.classicSystem());
  }

  /** Marks the node as draining; readiness answers 503 from now on. */
  public void start() {
    if (draining.compareAndSet(false, true)) {
      log.info("node is draining: readiness is false from now on");
    }
  }

  public boolean isDraining() {
    return draining.get();
  }

  /** The id of {@link Draining}. */
  public static final class Id extends AbstractExtensionId<Draining>
      implements ExtensionIdProvider {

    private Id() {}

    @Override
    public Draining createExtension(ExtendedActorSystem system) {
      return new Draining(system);
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
