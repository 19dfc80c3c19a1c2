package io.parley.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.gateway.HttpErrorHandling;
import io.parley.gateway.HttpErrors;
import io.parley.node.ParleyServer;
import io.parley.testing.ParleyNode;
import io.parley.testing.RawHttp;
import io.parley.testing.TestClient;
import io.parley.testing.TestServers;
import io.parley.testing.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error status a node answers, on both of its ports, comes as one JSON shape: {@code
 * {"code", "message"}}, with {@code field} or {@code reason} where they apply. Read with a raw
 * HTTP client, so that nothing in between rewrites an answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpErrorsTest {

  private static final Set<String> SHAPE = Set.of("code", "message", "field", "reason");

  @RegisterExtension
  final ParleyNode node =
      new ParleyNode(
          Map.of(
              "parley.mode", "production",
              "parley.auth.mode", "jwt",
              "parley.auth.hs256-secret", Tokens.SECRET,
              "parley.management.operator-token", "the-operator-token-of-the-errors-test"));

  private final String token = Tokens.hs256(Tokens.claims("ann", "Ann", Map.of("team-*", "write")));

  @Test
  void badRequests400() {
    JsonNode roomId = error(RawHttp.get(node.port(), "/v1/rooms/" + "x".repeat(65)), 400);
    assertThat(roomId.path("code").asText()).isEqualTo("invalid_field");
    assertThat(roomId.path("field").asText()).isEqualTo("roomId");
    // too malformed to reach a route: a request target that is not a URI
    JsonNode malformed = error(RawHttp.get(node.port(), "/v1/rooms/a%zz"), 400);
    assertThat(malformed.path("code").asText()).isEqualTo("bad_request");
    JsonNode onManagement = error(RawHttp.get(node.managementPort(), "/ready%zz"), 400);
    assertThat(onManagement.path("code").asText()).isEqualTo("bad_request");
  }

  @Test
  void unauthenticated401WithTheReason() {
    JsonNode missing = error(RawHttp.get(node.port(), "/v1/rooms/team-a"), 401);
    assertThat(missing.path("code").asText()).isEqualTo("unauthenticated");
    assertThat(missing.path("reason").asText()).isEqualTo("missing_token");
    JsonNode operator = error(RawHttp.get(node.managementPort(), "/metrics"), 401);
    assertThat(operator.path("code").asText()).isEqualTo("unauthenticated");
  }

  @Test
  void forbidden403() {
    JsonNode room = error(RawHttp.get(node.port(), "/v1/rooms/lobby?access_token=" + token), 403);
    assertThat(room.path("code").asText()).isEqualTo("forbidden");
    assertThat(room.path("field").asText()).isEqualTo("roomId");
    Map<String, String> foreign = new HashMap<>(Tokens.upgradeHeaders());
    foreign.put("Origin", "https://elsewhere.example");
    JsonNode origin =
        error(RawHttp.get(node.port(), "/v1/rooms/team-a/ws?access_token=" + token, foreign), 403);
    assertThat(origin.path("code").asText()).isEqualTo("origin_not_allowed");
    assertThat(origin.path("field").asText()).isEqualTo("Origin");
  }

  @Test
  void notFound404OnBothPorts() {
    for (int port : new int[] {node.port(), node.managementPort()}) {
      JsonNode body = error(RawHttp.get(port, "/no/such/path"), 404);
      assertThat(body.path("code").asText()).isEqualTo("not_found");
    }
    // production has no development token endpoint
    assertThat(error(RawHttp.get(node.port(), "/v1/dev/token?userId=ann"), 404).path("code").asText())
        .isEqualTo("not_found");
  }

  @Test
  void methodNotAllowed405OnBothPortsWithAllow() {
    RawHttp.Response gateway =
        RawHttp.request(node.port(), "DELETE", "/v1/rooms/team-a?access_token=" + token, Map.of());
    assertThat(error(gateway, 405).path("code").asText()).isEqualTo("method_not_allowed");
    assertThat(gateway.headers().get("allow")).contains("GET");
    RawHttp.Response management = RawHttp.request(node.managementPort(), "POST", "/ready", Map.of());
    assertThat(error(management, 405).path("code").asText()).isEqualTo("method_not_allowed");
    assertThat(management.headers().get("allow")).contains("GET");
  }

  @Test
  void tooManyConnections429(@TempDir Path dataDir) {
    ParleyServer limited =
        TestServers.start(dataDir, Map.of("parley.limits.connections.per-address", 1));
    try (TestClient first = TestClient.join(limited.port(), "limits", "ann", "Ann")) {
      JsonNode body = error(RawHttp.get(limited.port(), "/v1/rooms/limits/ws", Tokens.upgradeHeaders()), 429);
      assertThat(body.path("code").asText()).isEqualTo("too_many_connections");
      assertThat(body.path("field").asText()).isEqualTo("address");
    } finally {
      limited.stop().toCompletableFuture().join();
    }
  }

  /**
   * No request known makes a node fail, so the failure is a route of the test's own, behind the
   * handling every port of the node has ({@link HttpErrorHandling}).
   */
  @Test
  void aFailure500IsLoggedAndAnsweredWithoutDetails() throws Exception {
    Route failing =
        Directives.path(
            "fails",
            () ->
                Directives.extractRequest(
                    request -> {
                      throw new IllegalStateException("the failure's own words");
                    }));
    ServerBinding binding =
        Http.get(node.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new HttpErrorHandling(new HttpErrors(), status -> {}).around(() -> failing))
            .toCompletableFuture()
            .get();
    try {
      RawHttp.Response response = RawHttp.get(binding.localAddress().getPort(), "/fails");
      JsonNode body = error(response, 500);
      assertThat(body.path("code").asText()).isEqualTo("internal_error");
      assertThat(response.body()).doesNotContain("the failure's own words");
    } finally {
      binding.unbind().toCompletableFuture().get();
    }
  }

  @Test
  void unavailable503WhileANodeDrains(@TempDir Path dataDir) {
    ParleyServer draining =
        TestServers.start(dataDir, Map.of("parley.node.drain.unready-delay", "3s"));
    int management = java.net.URI.create(draining.managementUri()).getPort();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> RawHttp.get(management, "/ready").status() == 200);
    CompletionStage<Done> stopped = draining.stop();
    try {
      RawHttp.Response ready =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> RawHttp.get(management, "/ready"), r -> r.status() == 503);
      assertThat(error(ready, 503).path("code").asText()).isEqualTo("unavailable");
    } finally {
      stopped.toCompletableFuture().join();
    }
  }

  /** The answer has {@code status} and the one JSON shape; its body, parsed. */
  private static JsonNode error(RawHttp.Response response, int status) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/json");
    try {
      JsonNode body = TestClient.JSON.readTree(response.body());
      assertThat(body.isObject()).isTrue();
      assertThat(body.path("code").isTextual()).as(response.body()).isTrue();
      assertThat(body.path("message").isTextual()).as(response.body()).isTrue();
      body.fieldNames().forEachRemaining(name -> assertThat(SHAPE).contains(name));
      body.fields().forEachRemaining(f -> assertThat(f.getValue().isTextual()).as(f.getKey()).isTrue());
      return body;
    } catch (java.io.IOException e) {
      throw new AssertionError(response.body(), e);
    }
  }
}
