package io.parley.auth;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.parley.testing.RawHttp;
import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import io.parley.testing.Tokens;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node logging at DEBUG (Parley and Pekko) is taken through every way a token travels —
 * query, header, subprotocol, refresh, SSE, refusals — and its log must hold none of them, nor
 * its secret.
 */
class TokensNotLoggedTest {

  @TempDir Path dir;

  @Test
  void noTokenAndNoSecretInADebugLog() {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_AUTH_MODE", "jwt");
    env.put("PARLEY_MODE", "production");
    env.put("PARLEY_AUTH_HS256_SECRET", Tokens.SECRET);
    env.put("PARLEY_LOG_LEVEL", "DEBUG");
    List<String> tokens = new ArrayList<>();
    try (ServerProcess node = ServerProcess.start(dir, env, Map.of("pekko.loglevel", "DEBUG"))) {
      String base = "ws://127.0.0.1:" + node.port() + "/v1/rooms/audit/ws";
      String byQuery = token("ann");
      String byHeader = token("bob");
      String bySubprotocol = token("cid");
      String refresh = token("ann");
      String foreign = token("eve");
      tokens.addAll(List.of(byQuery, byHeader, bySubprotocol, refresh, foreign));
      try (TestClient ann = TestClient.open(URI.create(base + "?access_token=" + byQuery), Map.of(), List.of());
          TestClient bob = TestClient.open(URI.create(base), Map.of("Authorization", "Bearer " + byHeader), List.of());
          TestClient cid = TestClient.open(URI.create(base), Map.of(), List.of("parley.v1", "parley.auth." + bySubprotocol))) {
        for (TestClient client : List.of(ann, bob, cid)) {
          client.send(json("type", "hello"));
          client.expect("welcome");
        }
        ann.send(json("type", "refresh", "token", refresh));
        ann.expect("refreshed");
        ann.send(json("type", "refresh", "token", foreign));
        ann.expect("error");
        ann.send(json("type", "refresh", "token", "not.a.token"));
        ann.expect("error");
      }
      String expiredSignedElsewhere =
          Tokens.sign(
              new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
              Tokens.claims("ann", "Ann", Map.of("*", "write")).build(),
              Tokens.mac("someone-elses-secret-of-32-bytes-at-least!".getBytes()));
      tokens.add(expiredSignedElsewhere);
      assertThat(RawHttp.get(node.port(), "/v1/rooms/audit?access_token=" + expiredSignedElsewhere).status()).isEqualTo(401);
      assertThat(RawHttp.get(node.port(), "/v1/rooms/audit", Map.of("Authorization", "Bearer " + byHeader)).status()).isEqualTo(200);
      assertThat(RawHttp.get(node.port(), "/v1/rooms/audit", Map.of("Authorization", "Basic " + byHeader)).status()).isEqualTo(401);
      assertThat(node.stop()).isZero();
      String log = node.log();
      assertThat(log).contains("DEBUG");
      for (String token : tokens) {
        assertThat(log).doesNotContain(token);
        // nor the signature alone, the part that makes a token usable
        assertThat(log).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
      }
      assertThat(log).doesNotContain(Tokens.SECRET);
    }
  }

  private static String token(String userId) {
    return Tokens.hs256(Tokens.claims(userId, userId.toUpperCase(), Map.of("*", "write")));
  }
}
