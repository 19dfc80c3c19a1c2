package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ParleyNode;
import io.parley.testing.RawHttp;
import io.parley.testing.TestClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A malformed room id on every room route (WebSocket, SSE, snapshot, presence) is answered with
 * the documented JSON 400 naming {@code roomId}, not a plain-text 404 or a read of another room:
 * empty and dot segments, which Pekko's routing never sees as ids, and percent-encoded bytes that
 * are not UTF-8 or not valid Unicode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidRoomIdTest {

  private static final Map<String, String> UPGRADE =
      Map.of(
          "Upgrade", "websocket",
          "Connection", "Upgrade",
          "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
          "Sec-WebSocket-Version", "13");

  @RegisterExtension final ParleyNode server = new ParleyNode();

  private static void assertInvalidRoomId(String target, int status, String contentType, String body) {
    assertThat(status).as("%s: %s", target, body).isEqualTo(400);
    assertThat(contentType).as(target).startsWith("application/json");
    JsonNode error;
    try {
      error = TestClient.JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError(target + ": " + body, e);
    }
    assertThat(error.path("code").asText()).as(body).isEqualTo("invalid_field");
    assertThat(error.path("field").asText()).as(body).isEqualTo("roomId");
    assertThat(error.path("message").asText()).as(body).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v1/rooms//ws", "/v1/rooms//events", "/v1/rooms//presence", "/v1/rooms/", "/v1/rooms//",
        "/v1/rooms/../ws", "/v1/rooms/../events", "/v1/rooms/../presence", "/v1/rooms/..",
        "/v1/rooms/./ws", "/v1/rooms/./presence", "/v1/rooms/.", "/v1/rooms/%2e%2e/ws",
        "/v1/rooms/%2E/events",
        // percent-encoded: a lone surrogate as UTF-8 bytes (CESU), bytes that are not UTF-8
        "/v1/rooms/%ED%A0%80/ws", "/v1/rooms/a%ED%B0%80b/events", "/v1/rooms/%FF/presence",
        "/v1/rooms/%C0%AE%C0%AE", "/v1/rooms/%F0%9F%98%80/ws", "/v1/rooms/-x/presence"
      })
  void aMalformedRoomIdSentAsIsIsAJson400(String target) {
    RawHttp.Response response = RawHttp.get(server.port(), target);
    assertInvalidRoomId(target, response.status(), response.contentType(), response.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/rooms//ws", "/v1/rooms/../ws", "/v1/rooms/./ws", "/v1/rooms/%ED%A0%80/ws"})
  void aWebSocketUpgradeToAMalformedRoomIdIsAJson400(String target) {
    RawHttp.Response response = RawHttp.get(server.port(), target, UPGRADE);
    assertInvalidRoomId(target, response.status(), response.contentType(), response.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/rooms//events", "/v1/rooms/../events"})
  void anEventStreamOfAMalformedRoomIdIsAJson400(String target) {
    RawHttp.Response response = RawHttp.get(server.port(), target, Map.of("Accept", "text/event-stream"));
    assertInvalidRoomId(target, response.status(), response.contentType(), response.body());
  }

  /** The JDK's HTTP client sends these targets as they are written. */
  @ParameterizedTest
  @ValueSource(
      strings = {"/v1/rooms//ws", "/v1/rooms//presence", "/v1/rooms//events", "/v1/rooms/../ws",
        "/v1/rooms/../presence", "/v1/rooms/./events", "/v1/rooms/%ED%A0%80"})
  void anHttpClientGetsTheJson400Too(String target) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertInvalidRoomId(
        target,
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body());
  }

  @Test
  void validRoomIdsAndOtherPathsAreServedAsBefore() {
    assertThat(RawHttp.get(server.port(), "/v1/rooms/a.b:c@d-e/presence").status()).isEqualTo(200);
    assertThat(RawHttp.get(server.port(), "/v1/rooms/a%3Ab/presence").status()).isEqualTo(200);
    assertThat(RawHttp.get(server.port(), "/v1/rooms/ok/nothing-here").status()).isEqualTo(404);
    assertThat(RawHttp.get(server.port(), "/v1/nothing-here").status()).isEqualTo(404);
    // the public room registry, which needs ?public=true
    assertThat(RawHttp.get(server.port(), "/v1/rooms").status()).isEqualTo(400);
  }
}
