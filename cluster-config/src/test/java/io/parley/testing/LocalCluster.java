package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;

/**
 * A cluster of {@code local-cluster} nodes, each a {@link ServerProcess} of its own on the
 * loopback interface, on one fresh PostgreSQL schema ({@link TestDatabase#POSTGRESQL}). Node
 * {@code i} keeps its remote port, management port and data folder across {@link #restart}s (its
 * HTTP port is a new free one each time: ask {@link #port}). Closing it kills what still runs and
 * drops the schema.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start(work, 3, Map.of(), Map.of())) {
 *   String room = cluster.roomOn(cluster.oldest(), "kill");
 *   ...
 *   cluster.kill(x);
 *   cluster.awaitRemoved(x);
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {

  private static final Duration FORMATION = Duration.ofSeconds(60);

  /** {@code pekko.cluster.sharding.number-of-shards} in {@code parley/cluster/base.conf}. */
  private static final int NUMBER_OF_SHARDS = 100;

  private final Path work;
  private final TestDatabase.Instance db;
  private final Map<String, String> environment;
  private final Map<String, String> settings;
  private final int[] remotePorts;
  private final int[] managementPorts;
  private final String seeds;
  private final ServerProcess[] nodes;
  private final List<ServerProcess> exited = new ArrayList<>();

  private LocalCluster(
      Path work,
      TestDatabase.Instance db,
      int size,
      Map<String, String> environment,
      Map<String, String> settings)
      throws IOException {
    this.work = work;
    this.db = db;
    this.environment = environment;
    this.settings = settings;
    this.remotePorts = new int[size];
    this.managementPorts = new int[size];
    for (int i = 0; i < size; i++) {
      remotePorts[i] = ServerProcess.freePort();
      managementPorts[i] = ServerProcess.freePort();
    }
    this.seeds =
        IntStream.of(remotePorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    this.nodes = new ServerProcess[size];
  }

  /**
   * Starts {@code size} nodes with {@code environment} (variables, e.g. {@code
   * PARLEY_SBR_STABLE_AFTER}) and {@code settings} ({@code -D} options) on top of the cluster's
   * own, and returns once every node sees all of them {@code Up} and is ready.
   */
  public static LocalCluster start(
      Path work, int size, Map<String, String> environment, Map<String, String> settings) {
    TestDatabase.Instance db = TestDatabase.POSTGRESQL.create();
    LocalCluster cluster = null;
    try {
      cluster = new LocalCluster(work, db, size, environment, settings);
      // node 0 migrates the schema alone (its management port answers once it has); the others
      // start at once after that. Node 0 is the first seed node: it forms the cluster.
      LocalCluster starting = cluster;
      CompletableFuture<Void> first = CompletableFuture.runAsync(() -> starting.launch(0));
      Awaitility.await()
          .atMost(FORMATION)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> first.isDone() || Management.status(starting.managementPorts[0], "/alive") == 200);
      List<CompletableFuture<Void>> others = new ArrayList<>();
      others.add(first);
      for (int i = 1; i < size; i++) {
        int index = i;
        others.add(CompletableFuture.runAsync(() -> starting.launch(index)));
      }
      CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).join();
      cluster.awaitFormed();
      return cluster;
    } catch (RuntimeException | IOException | Error e) {
      if (cluster != null) {
        cluster.close();
      } else {
        db.close();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      if (e instanceof Error error) {
        throw error;
      }
      throw (RuntimeException) e;
    }
  }

  public int size() {
    return nodes.length;
  }

  /** The HTTP (WebSocket) port of node {@code i}, which must be running. */
  public synchronized int port(int i) {
    return running(i).port();
  }

  public int managementPort(int i) {
    return managementPorts[i];
  }

  public int remotePort(int i) {
    return remotePorts[i];
  }

  public synchronized ServerProcess node(int i) {
    return running(i);
  }

  public synchronized boolean isRunning(int i) {
    return nodes[i] != null;
  }

  /** The indices of the nodes running now. */
  public synchronized List<Integer> runningNodes() {
    return IntStream.range(0, nodes.length).filter(i -> nodes[i] != null).boxed().toList();
  }

  /** The HTTP ports of the nodes running now (where a client may connect). */
  public synchronized List<Integer> runningPorts() {
    List<Integer> ports = new ArrayList<>();
    for (ServerProcess node : nodes) {
      if (node != null) {
        ports.add(node.port());
      }
    }
    return ports;
  }

  /** {@code kill -9} of node {@code i}; returns its exit status. */
  public int kill(int i) {
    ServerProcess node;
    synchronized (this) {
      node = running(i);
      nodes[i] = null;
      exited.add(node);
    }
    return node.kill();
  }

  /**
   * SIGTERM to node {@code i}, returning at once: the node drains (it counts as not running from
   * now on); {@link ServerProcess#awaitExit} on the result waits for its end.
   */
  public ServerProcess terminate(int i) {
    ServerProcess node;
    synchronized (this) {
      node = running(i);
      nodes[i] = null;
      exited.add(node);
    }
    node.terminate();
    return node;
  }

  /**
   * Starts node {@code i} again, with its remote port, management port and data folder, and
   * returns once every running node sees the running ones {@code Up} and all are ready.
   */
  public void restart(int i) {
    synchronized (this) {
      if (nodes[i] != null) {
        throw new IllegalStateException("node " + i + " is running");
      }
    }
    launch(i);
    awaitFormed();
  }

  /**
   * Waits until every running node sees exactly the running nodes as {@code Up} members, nothing
   * unreachable, and answers {@code /ready} with 200.
   */
  public void awaitFormed() {
    Awaitility.await("cluster of nodes " + runningNodes() + " formed and ready")
        .atMost(FORMATION)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(this::formed);
  }

  /**
   * Waits until the running nodes no longer count node {@code i} (killed) as a member: the Split
   * Brain Resolver downed it and it was removed.
   */
  public void awaitRemoved(int i, Duration within) {
    String address = address(i);
    Awaitility.await("node " + i + " removed from the cluster")
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () ->
                runningNodes().stream()
                    .allMatch(
                        n -> {
                          JsonNode members = members(n);
                          return memberAddresses(members.path("members"), null).stream()
                                  .noneMatch(address::equals)
                              && members.path("unreachable").isEmpty();
                        }));
  }

  /** The node that holds the cluster's singletons (the shard coordinator, the journal's lease). */
  public int oldest() {
    int any = runningNodes().get(0);
    String oldest = members(any).path("oldest").asText();
    return indexOf(oldest);
  }

  /** The {@code /cluster/members} answer of node {@code i}'s management port. */
  public JsonNode members(int i) {
    return Management.json(managementPorts[i], "/cluster/members");
  }

  /**
   * The node whose shard region hosts the shard of room {@code roomId} (the room must have been
   * started, e.g. by a read or a join), as its management port's {@code /cluster/shards/Room}
   * shows; waits for exactly one running node to list it.
   */
  public int hostOf(String roomId) {
    String shard = shardOf(roomId);
    return Awaitility.await("the node hosting shard " + shard + " of room " + roomId)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              List<Integer> hosts = new ArrayList<>();
              for (int n : runningNodes()) {
                for (JsonNode region : Management.json(managementPorts[n], "/cluster/shards/Room").path("regions")) {
                  if (shard.equals(region.path("shardId").asText())) {
                    hosts.add(n);
                  }
                }
              }
              return hosts;
            },
            hosts -> hosts.size() == 1)
        .get(0);
  }

  /**
   * A room id {@code prefix-k} whose entity runs on node {@code node}: tries {@code k = 0, 1, …},
   * starting each room with a read, until sharding places one there.
   */
  public String roomOn(int node, String prefix) {
    for (int k = 0; k < 30; k++) {
      String roomId = prefix + "-" + k;
      RoomReads.room(port(node), roomId);
      if (hostOf(roomId) == node) {
        return roomId;
      }
    }
    throw new AssertionError("no room " + prefix + "-k placed on node " + node + " in 30 tries");
  }

  /** Sharding's shard id of a room: Pekko's default extractor, the id's hash modulo the shards. */
  public static String shardOf(String roomId) {
    return Integer.toString(Math.abs(roomId.hashCode() % NUMBER_OF_SHARDS));
  }

  /** The database of the cluster. */
  public TestDatabase.Instance database() {
    return db;
  }

  /** Fails unless the nodes kept their journal in the cluster's PostgreSQL schema. */
  public void assertHoldsTheJournal() {
    db.assertHoldsTheJournalOf(dataDir(0));
  }

  /** The logs of every node process this cluster ran, for failure messages. */
  public synchronized String logs() {
    StringBuilder all = new StringBuilder();
    List<ServerProcess> every = new ArrayList<>(exited);
    for (ServerProcess node : nodes) {
      if (node != null) {
        every.add(node);
      }
    }
    for (ServerProcess node : every) {
      all.append("==== node on port ").append(node.port()).append('\n').append(node.log());
    }
    return all.toString();
  }

  @Override
  public void close() {
    try {
      List<ServerProcess> running = new ArrayList<>();
      synchronized (this) {
        for (int i = 0; i < nodes.length; i++) {
          if (nodes[i] != null) {
            running.add(nodes[i]);
            nodes[i] = null;
          }
        }
        running.addAll(exited);
      }
      running.forEach(ServerProcess::close);
    } finally {
      db.close();
    }
  }

  private void launch(int i) {
    Map<String, String> env = new HashMap<>(environment);
    env.put("PARLEY_CLUSTER_MODE", "local-cluster");
    env.put("PARLEY_REMOTE_PORT", Integer.toString(remotePorts[i]));
    env.put("PARLEY_SEED_NODES", seeds);
    env.put("PARLEY_MANAGEMENT_PORT", Integer.toString(managementPorts[i]));
    ServerProcess node = ServerProcess.start(dataDir(i), db.environment(env), settings);
    synchronized (this) {
      nodes[i] = node;
    }
  }

  private Path dataDir(int i) {
    try {
      return Files.createDirectories(work.resolve("node" + i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean formed() {
    List<Integer> running = runningNodes();
    Set<String> expected = running.stream().map(this::address).collect(Collectors.toSet());
    for (int n : running) {
      JsonNode members = members(n);
      if (!members.path("unreachable").isEmpty()
          || !new HashSet<>(memberAddresses(members.path("members"), "Up")).equals(expected)
          || members.path("members").size() != expected.size()
          || Management.status(managementPorts[n], "/ready") != 200) {
        return false;
      }
    }
    return true;
  }

  private static List<String> memberAddresses(JsonNode members, String status) {
    List<String> addresses = new ArrayList<>();
    for (JsonNode member : members) {
      if (status == null || status.equals(member.path("status").asText())) {
        addresses.add(member.path("node").asText());
      }
    }
    return addresses;
  }

  private String address(int i) {
    return "pekko://parley@127.0.0.1:" + remotePorts[i];
  }

  private int indexOf(String address) {
    for (int i = 0; i < remotePorts.length; i++) {
      if (address(i).equals(address)) {
        return i;
      }
    }
    throw new AssertionError("no node of this cluster at " + address);
  }

  private ServerProcess running(int i) {
    ServerProcess node = nodes[i];
    if (node == null) {
      throw new IllegalStateException("node " + i + " is not running");
    }
    return node;
  }
}
