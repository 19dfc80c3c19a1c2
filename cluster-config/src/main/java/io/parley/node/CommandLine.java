package io.parley.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The arguments of {@code parley} ({@code bin/parley}, {@code java -jar parley.jar}): none starts
 * a node; {@code --help} and {@code --version} print and exit without starting one; anything else
 * is refused with the usage, so that a mistyped option never starts a node by accident.
 */
final class CommandLine {

  /** What the arguments ask for. */
  sealed interface Request permits RunNode, Print {}

  /** Start a node, configured by the environment. */
  record RunNode() implements Request {}

  /** Print {@code text} (on standard error when {@code error}) and exit with {@code status}. */
  record Print(String text, boolean error, int status) implements Request {}

  /** The exit status of a command line that cannot be understood (as most Unix tools). */
  static final int USAGE_ERROR = 2;

  static final String USAGE =
      """
      Usage: parley [--help | --version]

      Runs one Parley node: a real-time room server with presence, shared state and chat, for
      WebSocket (ws://127.0.0.1:8080/v1/rooms/<roomId>/ws), server-sent events and REST clients.
      With no database configured it keeps its rooms in an embedded H2 database in ./data; with
      PostgreSQL, several nodes form a cluster. Stop it with Ctrl-C or SIGTERM.

      Options:
        -h, --help   print this help and exit
        --version    print the Parley version and exit

      Configuration comes from environment variables, among them:
        PARLEY_HTTP_HOST, PARLEY_HTTP_PORT  listener of WebSocket, SSE and REST (127.0.0.1, 8080)
        PARLEY_DATA_DIR                     folder of the embedded H2 database (data)
        PARLEY_DB_URL                       jdbc:postgresql://host:5432/db for PostgreSQL instead
        PARLEY_DB_USER, PARLEY_DB_PASSWORD  its credentials
        PARLEY_CLUSTER_MODE                 local, local-cluster or kubernetes (local)
        PARLEY_MANAGEMENT_PORT              health and cluster endpoints: /ready, /alive (7626)
        PARLEY_MAX_CONNECTIONS_PER_ADDRESS  WebSocket connections one client address may hold (100)
        PARLEY_LOG_LEVEL                    root log level (INFO)
        PARLEY_JAVA_OPTS                    JVM options, for bin/parley (-Xmx1g)
      Every setting, its variable and its default: docs/CONFIGURATION.md; the protocol:
      docs/PROTOCOL.md.
      """;

  private CommandLine() {}

  static Request parse(List<String> args) {
    if (args.isEmpty()) {
      return new RunNode();
    }
    if (args.size() == 1) {
      switch (args.get(0)) {
        case "-h", "--help" -> {
          return new Print(USAGE, false, 0);
        }
        case "--version" -> {
          return new Print("Parley " + version() + "\n", false, 0);
        }
        default -> {
          // below
        }
      }
    }
    String problem =
        args.size() == 1
            ? "unknown argument '" + args.get(0) + "'"
            : "unexpected arguments " + String.join(" ", args);
    return new Print("parley: " + problem + "\n\n" + USAGE, true, USAGE_ERROR);
  }

  /** The version Maven built, from {@code version.properties} next to this class. */
  static String version() {
    try (InputStream in = CommandLine.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "(unknown version)";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "(unknown version)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
