package io.parley.testing;

import io.parley.room.Rooms;
import io.parley.node.ParleyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process node shared by the tests of one class, on a free port and a data folder of its
 * own: {@code @RegisterExtension final ParleyNode server = new ParleyNode(Map.of(...));} in a
 * {@code PER_CLASS} test class.
 */
public final class ParleyNode implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, Object> settings;
  private Path dataDir;
  private ParleyServer server;
  /** The class the node was started for: its @Nested classes share the node. */
  private String startedFor;

  public ParleyNode(Map<String, Object> settings) {
    this.settings = settings;
  }

  public ParleyNode() {
    this(Map.of());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (server != null) {
      return;
    }
    startedFor = context.getUniqueId();
    dataDir = Files.createTempDirectory("parley-node-");
    server = TestServers.start(dataDir, settings);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!context.getUniqueId().equals(startedFor)) {
      return;
    }
    server.stop().toCompletableFuture().join();
    server = null;
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(ParleyNode::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port of Pekko Management ({@code /ready}, the operator routes). */
  public int managementPort() {
    return java.net.URI.create(server.managementUri()).getPort();
  }

  public int port() {
    return server.port();
  }

  public Rooms rooms() {
    return server.rooms();
  }

  public ActorSystem<?> system() {
    return server.system();
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
