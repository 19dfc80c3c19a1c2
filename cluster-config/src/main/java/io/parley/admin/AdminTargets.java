package io.parley.admin;

import io.parley.auth.Authentication;
import io.parley.gateway.GatewayDrain;
import io.parley.room.Rooms;
import io.parley.validation.FieldValidator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * What the admin routes act on, handed over by the node once it has started them. Pekko
 * Management makes its route providers from configuration, before the node has rooms or a
 * gateway; until {@link #attach} the admin routes answer 503.
 */
public final class AdminTargets implements Extension {

  /** The extension's id: {@code AdminTargets.ID.get(system)}. */
  public static final Id ID = new Id();

  /** The node's rooms and gateway, and how it checks tokens and room ids. */
  public record Node(
      Rooms rooms, GatewayDrain drain, Authentication authentication, FieldValidator validator) {}

  private final AtomicReference<Node> node = new AtomicReference<>();

  private AdminTargets() {}

  public static AdminTargets get(ClassicActorSystemProvider system) {
    return ID.get(system.classicSystem());
  }

  /** Once, when the node serves. */
  public void attach(Node started) {
    if (!node.compareAndSet(null, started)) {
      throw new IllegalStateException("the admin routes' targets are already attached");
    }
  }

  /** Absent while the node starts. */
  public Optional<Node> node() {
    return Optional.ofNullable(node.get());
  }

  /** The id of {@link AdminTargets}. */
  public static final class Id extends AbstractExtensionId<AdminTargets>
      implements ExtensionIdProvider {

    private Id() {}

    @Override
    public AdminTargets createExtension(ExtendedActorSystem system) {
      return new AdminTargets();
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
