package io.parley.auth;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.PlainJWT;
import io.parley.testing.ParleyNode;
import io.parley.testing.RawHttp;
import io.parley.testing.SseClient;
import io.parley.testing.TestClient;
import io.parley.testing.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Authentication and room permissions, black-box: real WebSocket, SSE and HTTP clients against
 * a node in production mode with an HS256 secret and a JWKS file, an issuer and an audience.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {

  private static final RSAKey RSA = rsaKey();
  private static final Path JWKS = jwksFile();

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          Map.of(
              "parley.mode", "production",
              "parley.auth.mode", "jwt",
              "parley.auth.hs256-secret", Tokens.SECRET,
              "parley.auth.jwks-url", JWKS.toUri().toString(),
              "parley.auth.issuer", Tokens.ISSUER,
              "parley.auth.audience", Tokens.AUDIENCE,
              "parley.auth.refresh-ahead", "2s",
              "parley.auth.allowed-origins", "https://app.example.com",
              "parley.presence.grace-period", "30s"));

  private final AtomicInteger rooms = new AtomicInteger();

  private String newRoom() {
    return "team-" + rooms.incrementAndGet();
  }

  private static RSAKey rsaKey() {
    try {
      return new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path jwksFile() {
    try {
      Path file = Files.createTempFile("parley-jwks-", ".json");
      Files.writeString(file, new JWKSet(RSA).toPublicJWKSet().toString());
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String token(String userId, String name, Map<String, String> rooms) {
    return Tokens.hs256(Tokens.claims(userId, name, rooms));
  }

  private static String writer(String userId) {
    return token(userId, cap(userId), Map.of("team-*", "write"));
  }

  private static String cap(String userId) {
    return userId.substring(0, 1).toUpperCase() + userId.substring(1);
  }

  private URI ws(String room, String token) {
    return URI.create(
        "ws://127.0.0.1:" + server.port() + "/v1/rooms/" + room + "/ws"
            + (token == null ? "" : "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
  }

  private TestClient join(String room, String token) {
    TestClient client = TestClient.open(ws(room, token), Map.of(), List.of());
    client.send(json("type", "hello"));
    client.expect("welcome");
    return client;
  }

  private RawHttp.Response upgrade(String room, Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(Tokens.upgradeHeaders());
    all.putAll(headers);
    return RawHttp.get(server.port(), "/v1/rooms/" + room + "/ws", all);
  }

  private RawHttp.Response upgradeWithToken(String room, String token) {
    return upgrade(room, Map.of("Authorization", "Bearer " + token));
  }

  private static JsonNode body(RawHttp.Response response) {
    try {
      return TestClient.JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Nested
  class BeforeTheUpgrade {

    @Test
    void withoutATokenTheAnswerIs401WithAJsonBodyAndABearerChallenge() {
      RawHttp.Response response = upgrade(newRoom(), Map.of());
      assertThat(response.status()).isEqualTo(401);
      assertThat(response.contentType()).startsWith("application/json");
      assertThat(body(response).path("code").asText()).isEqualTo("unauthenticated");
      assertThat(body(response).path("reason").asText()).isEqualTo("missing_token");
      assertThat(response.headers().get("www-authenticate")).startsWith("Bearer realm=\"parley\"");
    }

    @Test
    void everyBadTokenIs401WithItsReason() throws Exception {
      Instant now = Instant.now();
      Map<String, String> rooms = Map.of("team-*", "write");
      byte[] rsaPublic = RSA.toRSAPublicKey().getEncoded();
      Map<String, String> cases = new LinkedHashMap<>();
      cases.put("not-a-jwt", "malformed_token");
      cases.put(
          Tokens.sign(new JWSHeader(JWSAlgorithm.HS256), Tokens.claims("ann", "Ann", rooms).build(),
              Tokens.mac("another-secret-of-at-least-32-bytes-long!!".getBytes(StandardCharsets.UTF_8))),
          "bad_signature");
      cases.put(new PlainJWT(Tokens.claims("ann", "Ann", rooms).build()).serialize(), "algorithm_refused");
      cases.put(
          Tokens.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
              Tokens.claims("ann", "Ann", rooms).build(), Tokens.mac(rsaPublic)),
          "bad_signature");
      cases.put(
          Tokens.sign(new JWSHeader(JWSAlgorithm.HS384), Tokens.claims("ann", "Ann", rooms).build(),
              Tokens.mac(Tokens.SECRET.repeat(2).getBytes(StandardCharsets.UTF_8))),
          "algorithm_refused");
      cases.put(Tokens.hs256(Tokens.claims("ann", "Ann", rooms).expirationTime(Date.from(now.minusSeconds(300)))), "expired");
      cases.put(Tokens.hs256(Tokens.claims("ann", "Ann", rooms).notBeforeTime(Date.from(now.plusSeconds(300)))), "not_yet_valid");
      cases.put(Tokens.hs256(Tokens.claims("ann", "Ann", rooms).issuer("https://evil.example")), "wrong_issuer");
      cases.put(Tokens.hs256(Tokens.claims("ann", "Ann", rooms).audience("billing")), "wrong_audience");
      cases.put(Tokens.hs256(Tokens.claims("ann", "Ann", rooms).subject(null)), "invalid_claims");
      String room = newRoom();
      for (Map.Entry<String, String> bad : cases.entrySet()) {
        RawHttp.Response response = upgradeWithToken(room, bad.getKey());
        assertThat(response.status()).as(bad.getValue()).isEqualTo(401);
        assertThat(body(response).path("reason").asText()).isEqualTo(bad.getValue());
        assertThat(response.headers().get("www-authenticate")).contains("invalid_token");
        assertThat(response.body()).doesNotContain(bad.getKey());
      }
    }

    @Test
    void rs256FromTheJwksIsAccepted() throws Exception {
      String token =
          Tokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
              Tokens.claims("ann", "Ann", Map.of("team-*", "write")).build(), new RSASSASigner(RSA));
      try (TestClient ann = join(newRoom(), token)) {
        assertThat(ann.received().get(0).path("userId").asText()).isEqualTo("ann");
      }
    }

    @Test
    void aValidTokenWithoutTheRoomIs403AndNoFrameIsExchanged() {
      String room = newRoom();
      RawHttp.Response response = upgradeWithToken(room, token("ann", "Ann", Map.of("lobby", "write")));
      assertThat(response.status()).isEqualTo(403);
      assertThat(body(response).path("code").asText()).isEqualTo("forbidden");
      assertThatThrownBy(() -> TestClient.open(ws(room, token("ann", "Ann", Map.of("lobby", "write"))), Map.of(), List.of()))
          .hasCauseInstanceOf(WebSocketHandshakeException.class);
    }

    @Test
    void theTokenComesInAHeaderASubprotocolOrTheQuery() {
      String room = newRoom();
      try (TestClient byHeader =
              TestClient.open(ws(room, null), Map.of("Authorization", "Bearer " + writer("ann")), List.of());
          TestClient bySubprotocol =
              TestClient.open(ws(room, null), Map.of(), List.of("parley.v1", "parley.auth." + writer("bob")));
          TestClient byQuery = TestClient.open(ws(room, writer("cid")), Map.of(), List.of())) {
        assertThat(bySubprotocol.subprotocol()).isEqualTo("parley.v1");
        for (TestClient client : List.of(byHeader, bySubprotocol, byQuery)) {
          client.send(json("type", "hello"));
        }
        assertThat(byHeader.expect("welcome").path("userId").asText()).isEqualTo("ann");
        assertThat(bySubprotocol.expect("welcome").path("userId").asText()).isEqualTo("bob");
        JsonNode welcome = byQuery.expect("welcome");
        assertThat(welcome.path("userId").asText()).isEqualTo("cid");
        assertThat(welcome.path("permission").asText()).isEqualTo("write");
        assertThat(Instant.parse(welcome.path("tokenExpiresAt").asText())).isAfter(Instant.now());
      }
    }

    @Test
    void aTokenSubprotocolWithoutParleyV1IsRefused() {
      RawHttp.Response response =
          upgrade(newRoom(), Map.of("Sec-WebSocket-Protocol", "parley.auth." + writer("ann")));
      assertThat(response.status()).isEqualTo(400);
      assertThat(body(response).path("field").asText()).isEqualTo("Sec-WebSocket-Protocol");
    }
  }

  @Nested
  class Permissions {

    @Test
    void aReadOnlyMembersChangesChatAndCursorsAreRefusedAndReachNoOne() {
      String room = newRoom();
      try (TestClient writer = join(room, writer("ann"));
          TestClient reader = join(room, token("rex", "Rex", Map.of("team-*", "read")))) {
        assertThat(reader.received().get(0).path("permission").asText()).isEqualTo("read");
        writer.expectEvent("member.joined");
        reader.send(json("type", "set", "id", "c1", "key", "title", "value", "mine"));
        reader.send(json("type", "chat", "id", "m1", "text", "hello"));
        reader.send(json("type", "batch", "id", "c2", "ops", List.of(Map.of("op", "delete", "key", "title"))));
        for (String id : List.of("c1", "m1", "c2")) {
          JsonNode answer = reader.expectAnswer(id);
          assertThat(answer.path("type").asText()).isEqualTo("reject");
          assertThat(answer.path("code").asText()).isEqualTo("forbidden");
        }
        reader.send(json("type", "visibility", "id", "v1", "public", true, "title", "Mine"));
        assertThat(reader.expectAnswer("v1").path("code").asText()).isEqualTo("forbidden");
        reader.send(json("type", "cursor", "x", 1, "y", 2));
        assertThat(reader.expect("error").path("code").asText()).isEqualTo("forbidden");
        reader.send(json("type", "ready", "id", "r1", "ready", true));
        assertThat(reader.expectAnswer("r1").path("type").asText()).isEqualTo("ack");
        // the writer sees the ready flag, and nothing of the refused frames
        JsonNode ready = writer.expectEvent("member.ready");
        writer.send(json("type", "set", "id", "w1", "key", "title", "value", "ours"));
        assertThat(writer.expectAnswer("w1").path("version").asLong()).isEqualTo(ready.path("version").asLong() + 1);
        assertThat(writer.received()).noneMatch(frame -> frame.path("type").asText().equals("cursors"));
        assertThat(reader.expectEvent("state.changed").path("userId").asText()).isEqualTo("ann");
      }
    }

    @Test
    void aHelloCannotChooseAnotherUserNorRenameTheMember() {
      String room = newRoom();
      try (TestClient ann = join(room, writer("ann"));
          TestClient watcher = join(room, writer("wes"))) {
        ann.expectEvent("member.joined");
        TestClient impostor = TestClient.open(ws(room, writer("eve")), Map.of(), List.of());
        impostor.send(json("type", "hello", "userId", "ann", "name", "Ann"));
        JsonNode refused = impostor.expect("error");
        assertThat(refused.path("code").asText()).isEqualTo("identity_mismatch");
        assertThat(impostor.awaitClosed()).as("identity_mismatch").isEqualTo(4010);

        TestClient renamer = TestClient.open(ws(room, writer("ann")), Map.of(), List.of());
        renamer.send(json("type", "hello", "name", "Not Ann"));
        assertThat(renamer.expect("error").path("code").asText()).isEqualTo("identity_mismatch");
        assertThat(renamer.awaitClosed()).as("identity_mismatch").isEqualTo(4010);

        // a change by ann follows her join directly: no session, rename or member came between
        ann.send(json("type", "chat", "id", "after", "text", "still me"));
        long version = ann.expectAnswer("after").path("version").asLong();
        JsonNode chat = watcher.expectEvent("chat.posted");
        assertThat(chat.path("version").asLong()).isEqualTo(version);
        assertThat(watcher.received())
            .filteredOn(frame -> frame.path("type").asText().equals("event"))
            .extracting(frame -> frame.path("kind").asText())
            .containsExactly("chat.posted");
      }
    }
  }

  @Nested
  class Expiry {

    @Test
    void aRefreshForTheSameUserExtendsTheConnectionAndUpdatesItsPermission() {
      String room = newRoom();
      String shortLived =
          Tokens.hs256(Tokens.claims("ann", "Ann", Map.of("team-*", "write"))
              .expirationTime(Date.from(Instant.now().plusSeconds(4))));
      try (TestClient ann = join(room, shortLived)) {
        JsonNode expiring = ann.expect("token_expiring");
        assertThat(expiring.path("tokenExpiresAt").asText()).isEqualTo(ann.received().get(0).path("tokenExpiresAt").asText());

        ann.send(json("type", "refresh", "token", token("bob", "Bob", Map.of("team-*", "write"))));
        JsonNode refused = ann.expect("error");
        assertThat(refused.path("code").asText()).isEqualTo("refresh_refused");
        assertThat(refused.path("message").asText()).contains("another user");

        ann.send(json("type", "refresh", "token", token("ann", "Ann", Map.of("team-*", "read"))));
        JsonNode refreshed = ann.expect("refreshed");
        assertThat(refreshed.path("permission").asText()).isEqualTo("read");
        assertThat(Instant.parse(refreshed.path("tokenExpiresAt").asText())).isAfter(Instant.now().plusSeconds(60));

        ann.send(json("type", "set", "id", "c1", "key", "k", "value", 1));
        assertThat(ann.expectAnswer("c1").path("code").asText()).isEqualTo("forbidden");
        // past the first token's expiry, still connected
        ann.expectNone(frame -> frame.path("type").asText().equals("error"), Duration.ofSeconds(4));
        ann.send(json("type", "ping", "id", "p1"));
        ann.expect("pong");
      }
    }

    @Test
    void aRefreshThatNoLongerOpensTheRoomEndsTheConnection() {
      try (TestClient ann = join(newRoom(), writer("ann"))) {
        ann.send(json("type", "refresh", "token", token("ann", "Ann", Map.of("lobby", "write"))));
        assertThat(ann.expect("error").path("code").asText()).isEqualTo("forbidden");
        assertThat(ann.awaitClosed()).as("forbidden").isEqualTo(4011);
      }
    }

    @Test
    void anEventStreamEndsWhenItsTokenExpires() {
      String room = newRoom();
      String shortLived =
          Tokens.hs256(Tokens.claims("rex", "Rex", Map.of("team-*", "read"))
              .expirationTime(Date.from(Instant.now().plusSeconds(2))));
      try (SseClient events =
          SseClient.open(
              URI.create("http://127.0.0.1:" + server.port() + "/v1/rooms/" + room + "/events?access_token=" + shortLived),
              Optional.empty())) {
        assertThat(events.nextEvent().data()).as("the snapshot").contains("\"members\"");
        events.awaitNormalEnd();
      }
    }

    @Test
    void withoutARefreshTheConnectionClosesAtExpiryAndTheMemberIsAway() {
      String room = newRoom();
      String shortLived =
          Tokens.hs256(Tokens.claims("ann", "Ann", Map.of("team-*", "write"))
              .expirationTime(Date.from(Instant.now().plusSeconds(3))));
      try (TestClient watcher = join(room, writer("wes"));
          TestClient ann = join(room, shortLived)) {
        ann.expect("token_expiring");
        assertThat(ann.expect("error").path("code").asText()).isEqualTo("token_expired");
        assertThat(ann.awaitClosed()).as("token_expired").isEqualTo(4006);
        assertThat(watcher.expectEvent("member.away").path("userId").asText()).isEqualTo("ann");
      }
    }
  }

  @Nested
  class Reads {

    private HttpResponse<String> get(String path, Map<String, String> headers) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
      headers.forEach(request::header);
      try {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    @Test
    void restReadsNeedATokenThatOpensTheRoom() {
      String room = newRoom();
      for (String path : List.of("/v1/rooms/" + room, "/v1/rooms/" + room + "/presence")) {
        assertThat(get(path, Map.of()).statusCode()).as(path).isEqualTo(401);
        assertThat(get(path, Map.of("Authorization", "Bearer " + token("ann", "Ann", Map.of("lobby", "read")))).statusCode())
            .isEqualTo(403);
        assertThat(get(path, Map.of("Authorization", "Bearer " + token("ann", "Ann", Map.of("team-*", "read")))).statusCode())
            .isEqualTo(200);
        assertThat(get(path + "?access_token=" + token("ann", "Ann", Map.of("team-*", "read")), Map.of()).statusCode())
            .isEqualTo(200);
      }
    }

    @Test
    void thePublicRoomListNeedsAValidTokenWhicheverRoomsItOpens() {
      String path = "/v1/rooms?public=true";
      assertThat(get(path, Map.of()).statusCode()).isEqualTo(401);
      assertThat(get(path, Map.of("Authorization", "Bearer not-a-jwt")).statusCode()).isEqualTo(401);
      assertThat(get(path, Map.of("Authorization", "Bearer " + token("ann", "Ann", Map.of("lobby", "read")))).statusCode())
          .as("a token of another room may read the list")
          .isEqualTo(200);
      assertThat(get(path + "&access_token=" + token("ann", "Ann", Map.of("lobby", "read")), Map.of()).statusCode())
          .isEqualTo(200);
    }

    @Test
    void serverSentEventsNeedATokenToo() {
      String room = newRoom();
      assertThat(get("/v1/rooms/" + room + "/events", Map.of()).statusCode()).isEqualTo(401);
      String query = "?access_token=" + token("rex", "Rex", Map.of("team-*", "read"));
      try (TestClient ann = join(room, writer("ann"));
          SseClient events =
              SseClient.open(
                  URI.create("http://127.0.0.1:" + server.port() + "/v1/rooms/" + room + "/events" + query),
                  Optional.empty())) {
        assertThat(events.nextEvent().data()).as("the snapshot").contains("\"members\"");
        ann.send(json("type", "chat", "id", "m1", "text", "hi"));
        assertThat(events.nextEvent().data()).contains("chat.posted");
      }
    }
  }

  @Nested
  class Origins {

    @Test
    void aWebSocketFromAnotherSitesPageIsRefused() {
      RawHttp.Response evil =
          upgrade(newRoom(), Map.of("Origin", "http://evil.example", "Authorization", "Bearer " + writer("ann")));
      assertThat(evil.status()).isEqualTo(403);
      assertThat(body(evil).path("code").asText()).isEqualTo("origin_not_allowed");
      try (TestClient allowed =
          TestClient.open(ws(newRoom(), writer("ann")), Map.of("Origin", "https://app.example.com"), List.of())) {
        allowed.send(json("type", "hello"));
        allowed.expect("welcome");
      }
    }

    @Test
    void corsPreflightAndHeadersForAllowedOriginsOnly() {
      String room = newRoom();
      Map<String, String> preflight =
          Map.of("Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
      RawHttp.Response allowed =
          options(room, withOrigin(preflight, "https://app.example.com"));
      assertThat(allowed.status()).isEqualTo(204);
      assertThat(allowed.headers().get("access-control-allow-origin")).isEqualTo("https://app.example.com");
      assertThat(allowed.headers().get("access-control-allow-headers")).containsIgnoringCase("authorization");
      assertThat(options(room, withOrigin(preflight, "http://evil.example")).status()).isEqualTo(403);

      RawHttp.Response read =
          RawHttp.get(server.port(), "/v1/rooms/" + room,
              Map.of("Origin", "https://app.example.com", "Authorization", "Bearer " + writer("ann")));
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.headers().get("access-control-allow-origin")).isEqualTo("https://app.example.com");
    }

    private Map<String, String> withOrigin(Map<String, String> headers, String origin) {
      Map<String, String> all = new HashMap<>(headers);
      all.put("Origin", origin);
      return all;
    }

    private RawHttp.Response options(String room, Map<String, String> headers) {
      return RawHttp.request(server.port(), "OPTIONS", "/v1/rooms/" + room, headers);
    }
  }

  @Test
  void aProductionNodeHasNoDevelopmentTokenEndpoint() {
    assertThat(RawHttp.get(server.port(), "/v1/dev/token?userId=ann").status()).isEqualTo(404);
  }
}
