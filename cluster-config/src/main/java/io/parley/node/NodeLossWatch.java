package io.parley.node;

import io.parley.room.FanoutMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Tells this node's fan-out when another node was removed after being downed (killed, crashed,
 * cut off), not after a graceful leave: its rooms were not handed off and start again elsewhere
 * only when a message reaches them, and the commands this node's clients sent them meanwhile
 * were lost. With the notice, the connections give those commands a short timeout instead of
 * the rest of the command timeout, and the clients' resends start the rooms again sooner.
 */
final class NodeLossWatch {

  private NodeLossWatch() {}

  static Behavior<ClusterEvent.MemberRemoved> create(ActorRef<FanoutMessage> fanout) {
    return Behaviors.setup(
        context -> {
          Cluster.get(context.getSystem())
              .subscriptions()
              .tell(Subscribe.create(context.getSelf(), ClusterEvent.MemberRemoved.class));
          return Behaviors.receiveMessage(
              removed -> {
                if (removed.previousStatus() == MemberStatus.down()) {
                  context
                      .getLog()
                      .info(
                          "node {} was downed and removed; its rooms start again elsewhere",
                          removed.member().address());
                  fanout.tell(new FanoutMessage.NodeLost(removed.member().address().toString()));
                }
                return Behaviors.same();
              });
        });
  }
}
