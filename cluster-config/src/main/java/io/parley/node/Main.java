package io.parley.node;

import com.typesafe.config.ConfigFactory;
import io.parley.cluster.ParleyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts one Parley node with the configuration of the environment. */
public final class Main {

  static {
    // before anything (logging included) can start the common pool
    CommonPool.atLeastTwoThreads();
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    try {
      ParleyServer server = ParleyServer.start(ParleyConfig.load(ConfigFactory.empty()));
      String base = "http://" + server.host() + ":" + server.port();
      log.info(
          "Parley is up on {} - WebSocket: ws://{}:{}/v1/rooms/<roomId>/ws, room snapshot: {}/v1/rooms/<roomId>",
          base,
          server.host(),
          server.port(),
          base);
      log.info(
          "Management on {} - readiness: {}/ready, liveness: {}/alive, members: {}/cluster/members",
          server.managementUri(),
          server.managementUri(),
          server.managementUri(),
          server.managementUri());
    } catch (RuntimeException e) {
      log.error("{}", e.getMessage(), e);
      System.exit(1);
    }
  }
}
