package io.parley.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Parley node in a JVM process of its own, started the way an operator starts it (the {@code
 * Main} class, configured by environment variables), for tests where the failure is a process
 * failure: restarts, {@code kill -9}.
 */
public final class ServerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final int managementPort;
  private final Path log;

  private ServerProcess(Process process, int port, int managementPort, Path log) {
    this.process = process;
    this.port = port;
    this.managementPort = managementPort;
    this.log = log;
  }

  /**
   * Starts a node on a free port with its data folder {@code dataDir}: its H2 database is there
   * unless {@code environment} sets {@code PARLEY_DB_URL} (see {@link TestDatabase}).
   */
  public static ServerProcess start(Path dataDir, Map<String, String> environment) {
    return start(dataDir, environment, Map.of());
  }

  /** As above, with settings passed to the node as {@code -Dkey=value} JVM options. */
  public static ServerProcess start(
      Path dataDir, Map<String, String> environment, Map<String, String> settings) {
    try {
      int port = freePort();
      int managementPort = freePort();
      Path log = Files.createTempFile(dataDir.getParent(), "parley-" + port + "-", ".log");
      Map<String, String> env = new HashMap<>();
      env.put("PARLEY_HTTP_PORT", Integer.toString(port));
      env.put("PARLEY_MANAGEMENT_PORT", Integer.toString(managementPort));
      env.put("PARLEY_DATA_DIR", dataDir.toString());
      // H2 in dataDir unless the test's environment names another database (TestDatabase); never
      // a database the environment of the machine running the tests points at.
      env.put("PARLEY_DB_URL", "");
      env.put("PARLEY_DB_USER", "");
      env.put("PARLEY_DB_PASSWORD", "");
      env.put("PARLEY_LOG_LEVEL", "INFO");
      // most tests are about rooms, not about who may enter them: no tokens unless a test's
      // environment asks for them (the auth tests do)
      env.put("PARLEY_AUTH_MODE", "none");
      env.putAll(environment);
      List<String> command = new ArrayList<>();
      command.add(javaBinary());
      command.add("-Xmx256m");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("-Dlogback.configurationFile=logback.xml");
      settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
      command.add("io.parley.node.Main");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      if (env.containsKey("PARLEY_MANAGEMENT_PORT")) {
        managementPort = Integer.parseInt(env.get("PARLEY_MANAGEMENT_PORT"));
      }
      ServerProcess server = new ServerProcess(builder.start(), port, managementPort, log);
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ServerProcess start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  public int port() {
    return port;
  }

  /** The port of Pekko Management ({@code /ready}, {@code /alive}, {@code /cluster/members}). */
  public int managementPort() {
    return managementPort;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM: the node shuts down through coordinated shutdown. */
  public int stop() {
    process.destroy();
    return awaitExit();
  }

  /** Sends SIGTERM and returns at once: the node drains while the test watches its clients. */
  public void terminate() {
    process.destroy();
  }

  /** The exit code of a node that exits within {@code timeout}; fails (and kills it) otherwise. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("node did not exit within " + timeout + ":\n" + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGKILL: the node dies at once, as in a crash. */
  public int kill() {
    process.destroyForcibly();
    return awaitExit();
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private int awaitExit() {
    return awaitExit(Duration.ofSeconds(30));
  }

  /** The HTTP listener is bound last, so accepting connections means the node is up. */
  private void awaitListening() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("node exited with " + process.exitValue() + ":\n" + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          process.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
    close();
    throw new AssertionError("node did not listen within " + START_TIMEOUT + ":\n" + log());
  }

  /** A port free on the loopback interface now (for a node's remote or management port). */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString()
        + (File.separatorChar == '\\' ? ".exe" : "");
  }
}
