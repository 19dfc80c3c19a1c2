package io.parley.room;

import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * What the fan-out of this node did since it started: the room messages it received (one per
 * event or cursor tick and node, wherever the room runs) and the updates it handed to
 * connections. The node's operators (and the cluster tests) read it on the management port.
 */
public final class FanoutStats implements Extension {

  /** The extension's id: {@code FanoutStats.ID.get(system)}. */
  public static final Id ID = new Id();

  private final LongAdder roomMessages = new LongAdder();
  private final LongAdder deliveries = new LongAdder();

  public static FanoutStats get(ClassicActorSystemProvider system) {
    return ID.get(system.classicSystem());
  }

  /** Events and cursor ticks received from rooms, one per room message and node. */
  public long roomMessages() {
    return roomMessages.sum();
  }

  /** Events and cursor ticks handed to this node's connections. */
  public long deliveries() {
    return deliveries.sum();
  }

  void received(int connections) {
    roomMessages.increment();
    deliveries.add(connections);
  }

  /** The extension's id. */
  public static final class Id extends AbstractExtensionId<FanoutStats>
      implements ExtensionIdProvider {

    @Override
    public Id lookup() {
      return ID;
    }

    @Override
    public FanoutStats createExtension(ExtendedActorSystem system) {
      return new FanoutStats();
    }
  }
}
