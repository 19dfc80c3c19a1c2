package io.parley.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;

/**
 * How a node finds its cluster, one of three ways (see docs/CONFIGURATION.md#cluster):
 *
 * <ul>
 *   <li><b>seed nodes</b>: {@code parley.cluster.seed-nodes} ({@code PARLEY_SEED_NODES}, {@code
 *       host:port,host:port}) become {@code pekko.cluster.seed-nodes}; Pekko joins the first one
 *       that answers, and the first seed node forms the cluster if none does;
 *   <li><b>alone</b>: with no seed nodes and {@code parley.cluster.join-self-when-alone}, the node
 *       is its own seed node, a working one-node cluster (a free remote port is picked first when
 *       none is set, so the node knows its own address);
 *   <li><b>bootstrap</b>: {@code parley.cluster.bootstrap = on} starts Pekko Management Cluster
 *       Bootstrap, which finds the other nodes by discovery (Kubernetes API in the {@code
 *       kubernetes} layer); only that layer turns it on, as it fails outside Kubernetes.
 * </ul>
 */
public final class ClusterFormation {

  private ClusterFormation() {}

  /**
   * The seed-node settings to place above {@code config} before the actor system starts; fails
   * with a clear message on a malformed {@code parley.cluster.seed-nodes}.
   */
  public static Config seedNodes(Config config, String systemName) {
    List<String> seeds = parseSeedNodes(config.getString("parley.cluster.seed-nodes"), systemName);
    if (!seeds.isEmpty()) {
      return ConfigFactory.empty()
          .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    }
    boolean alone =
        config.getStringList("pekko.cluster.seed-nodes").isEmpty()
            && !config.getBoolean("parley.cluster.bootstrap")
            && config.getBoolean("parley.cluster.join-self-when-alone");
    if (!alone) {
      return ConfigFactory.empty();
    }
    String host = config.getString("pekko.remote.artery.canonical.hostname");
    int port = config.getInt("pekko.remote.artery.canonical.port");
    if (port == 0) {
      port = freePort(host);
    }
    return ConfigFactory.empty()
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
        .withValue(
            "pekko.cluster.seed-nodes",
            ConfigValueFactory.fromIterable(List.of(address(systemName, host, port))));
  }

  /** {@code "host:port,host:port"} as Pekko addresses of the system {@code systemName}. */
  static List<String> parseSeedNodes(String value, String systemName) {
    List<String> seeds = new ArrayList<>();
    for (String part : value.split(",")) {
      String seed = part.trim();
      if (seed.isEmpty()) {
        continue;
      }
      int colon = seed.lastIndexOf(':');
      int port = -1;
      if (colon > 0) {
        try {
          port = Integer.parseInt(seed.substring(colon + 1));
        } catch (NumberFormatException notANumber) {
          port = -1;
        }
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "parley.cluster.seed-nodes (PARLEY_SEED_NODES) must be host:port pairs separated by"
                + " commas, e.g. 127.0.0.1:25520,127.0.0.1:25521; got \""
                + value
                + "\"");
      }
      seeds.add(address(systemName, seed.substring(0, colon), port));
    }
    return seeds;
  }

  /** Starts Cluster Bootstrap when the layer asks for it; call once management is started. */
  public static void startBootstrap(ActorSystem<?> system) {
    if (system.settings().config().getBoolean("parley.cluster.bootstrap")) {
      ClusterBootstrap.get(system).start();
    }
  }

  private static String address(String systemName, String host, int port) {
    return "pekko://" + systemName + "@" + host + ":" + port;
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free remote port on " + host, e);
    }
  }
}
