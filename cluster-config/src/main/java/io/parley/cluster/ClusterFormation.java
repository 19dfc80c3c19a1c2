package io.parley.cluster;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** Forms the cluster a node belongs to. */
public final class ClusterFormation {

  private ClusterFormation() {}

  /**
   * A node with no seed nodes and {@code parley.cluster.join-self-when-alone} joins itself, so a
   * single process is a working one-node cluster.
   */
  public static void start(ActorSystem<?> system) {
    var config = system.settings().config();
    boolean alone = config.getStringList("pekko.cluster.seed-nodes").isEmpty();
    if (alone && config.getBoolean("parley.cluster.join-self-when-alone")) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }
}
