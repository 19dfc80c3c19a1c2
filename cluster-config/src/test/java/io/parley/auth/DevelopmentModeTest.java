package io.parley.auth;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.RawHttp;
import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command: a node in development mode (the default) requires tokens, mints them
 * for loopback clients, and keeps its secret across restarts; a production node without keys
 * refuses to start.
 */
class DevelopmentModeTest {

  /** The environment of {@code bin/parley}: nothing about authentication. */
  private static final Map<String, String> DEFAULTS = Map.of("PARLEY_AUTH_MODE", "jwt");

  @TempDir Path dir;

  @Test
  void tokensFromTheDevelopmentEndpointOpenRoomsAndSurviveARestart() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    String token;
    try (ServerProcess node = ServerProcess.start(data, DEFAULTS)) {
      // logged once the listener is bound, which is when start() returns: wait for the line
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> node.log().contains("/v1/dev/token?userId=ann&name=Ann"));
      assertThat(node.log()).contains("development mode, tokens required");
      assertThat(RawHttp.get(node.port(), "/v1/rooms/demo").status()).isEqualTo(401);

      RawHttp.Response minted = RawHttp.get(node.port(), "/v1/dev/token?userId=ann&name=Ann&rooms=demo:read");
      assertThat(minted.status()).isEqualTo(200);
      JsonNode body = TestClient.JSON.readTree(minted.body());
      assertThat(body.path("developmentOnly").asBoolean()).isTrue();
      token = body.path("token").asText();

      JsonNode welcome = welcome(node, token);
      assertThat(welcome.path("userId").asText()).isEqualTo("ann");
      assertThat(welcome.path("permission").asText()).isEqualTo("read");
      assertThat(welcome.at("/snapshot/members/0/name").asText()).isEqualTo("Ann");

      RawHttp.Response bad = RawHttp.get(node.port(), "/v1/dev/token?userId=ann&rooms=demo:owner");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(TestClient.JSON.readTree(bad.body()).path("field").asText()).isEqualTo("rooms");
      assertThat(node.stop()).isZero();
    }
    Path secret = data.resolve("development-secret");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    try (ServerProcess restarted = ServerProcess.start(data, DEFAULTS)) {
      assertThat(welcome(restarted, token).path("userId").asText()).isEqualTo("ann");
    }
  }

  /**
   * The development endpoint answers clients on this machine only: from another interface's
   * address (the machine's own non-loopback address stands in for another host) it is refused.
   */
  @Test
  void developmentTokensAreForLoopbackClientsOnly() throws Exception {
    Optional<InetAddress> external =
        NetworkInterface.networkInterfaces()
            .filter(DevelopmentModeTest::upAndNotLoopback)
            .flatMap(NetworkInterface::inetAddresses)
            .filter(address -> address instanceof Inet4Address)
            .findFirst();
    assumeTrue(external.isPresent(), "no non-loopback IPv4 address here");
    Map<String, String> env = new HashMap<>(DEFAULTS);
    env.put("PARLEY_HTTP_HOST", "0.0.0.0");
    try (ServerProcess node = ServerProcess.start(Files.createDirectories(dir.resolve("open")), env)) {
      assertThat(RawHttp.get(node.port(), "/v1/dev/token?userId=ann").status()).isEqualTo(200);
      HttpResponse<String> remote =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + external.get().getHostAddress() + ":" + node.port() + "/v1/dev/token?userId=ann"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(remote.statusCode()).isEqualTo(403);
      assertThat(remote.body()).contains("clients on this machine only");
    }
  }

  private static boolean upAndNotLoopback(NetworkInterface nic) {
    try {
      return nic.isUp() && !nic.isLoopback();
    } catch (SocketException e) {
      return false;
    }
  }

  @Test
  void productionWithoutKeysRefusesToStart() {
    assertThatThrownBy(() -> ServerProcess.start(dir, Map.of("PARLEY_AUTH_MODE", "jwt", "PARLEY_MODE", "production")))
        .hasMessageContaining("node exited with 1")
        .hasMessageContaining("PARLEY_AUTH_HS256_SECRET or PARLEY_AUTH_JWKS_URL");
  }

  @Test
  void productionWithAuthenticationOffRefusesToStart() {
    assertThatThrownBy(() -> ServerProcess.start(dir, Map.of("PARLEY_MODE", "production")))
        .hasMessageContaining("node exited with 1")
        .hasMessageContaining("PARLEY_AUTH_MODE=none");
  }

  private static JsonNode welcome(ServerProcess node, String token) {
    try (TestClient client =
        TestClient.open(
            URI.create("ws://127.0.0.1:" + node.port() + "/v1/rooms/demo/ws?access_token=" + token),
            Map.of(),
            List.of())) {
      client.send(json("type", "hello"));
      return client.expect("welcome");
    }
  }
}
