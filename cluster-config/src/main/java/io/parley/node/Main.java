package io.parley.node;

import com.typesafe.config.ConfigFactory;
import io.parley.cluster.ParleyConfig;
import java.util.List;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Starts one Parley node with the configuration of the environment; {@code --help} and {@code
 * --version} print and exit instead (see {@link CommandLine}).
 */
public final class Main {

  static {
    // before anything (logging included) can start the common pool
    CommonPool.atLeastTwoThreads();
  }

  /**
   * Not a static field: logging starts only once the arguments ask for a node, so that {@code
   * --help} prints nothing but its answer (logback may report its own start on standard output).
   */
  private static Logger log() {
    return LoggerFactory.getLogger(Main.class);
  }

  private Main() {}

  public static void main(String[] args) {
    CommandLine.Request request = CommandLine.parse(List.of(args));
    if (request instanceof CommandLine.Print print) {
      // the command line's own output (--help, --version, a bad argument), not a log
      (print.error() ? System.err : System.out).print(print.text());
      System.exit(print.status());
    }
    try {
      ParleyServer server = ParleyServer.start(ParleyConfig.load(ConfigFactory.empty()));
      stopOnSignals(server.system());
      String base = "http://" + server.host() + ":" + server.port();
      log().info(
          "Parley is up on {} - WebSocket: ws://{}:{}/v1/rooms/<roomId>/ws, room snapshot: {}/v1/rooms/<roomId>",
          base,
          server.host(),
          server.port(),
          base);
      log().info(
          "Management on {} - readiness: {}/ready, liveness: {}/alive, members: {}/cluster/members",
          server.managementUri(),
          server.managementUri(),
          server.managementUri(),
          server.managementUri());
    } catch (RuntimeException e) {
      log().error("{}", e.getMessage(), e);
      System.exit(1);
    }
  }

  /**
   * SIGTERM (Kubernetes, {@code kill}) and SIGINT (Ctrl-C) are requests to stop: they run
   * coordinated shutdown, and a node that has shut down exits 0. Left to the JVM, the signal would
   * run it from a shutdown hook, concurrently with every other hook, and exit 143 (or 130).
   * {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to take a signal over.
   */
  private static void stopOnSignals(ActorSystem<?> system) {
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(
          new Signal(name),
          signal -> {
            log().info("SIG{} received: shutting down", name);
            CoordinatedShutdown.get(system).run(CoordinatedShutdown.jvmExitReason());
            // this handler runs on a thread of its own, which may wait
            system.getWhenTerminated().toCompletableFuture().join();
            System.exit(0);
          });
    }
  }
}
