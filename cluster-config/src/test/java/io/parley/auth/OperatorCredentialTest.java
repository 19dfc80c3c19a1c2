package io.parley.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.testing.ParleyNode;
import io.parley.testing.RawHttp;
import io.parley.testing.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The management port: health checks open to probes, the operator routes behind the operator
 * credential; in production without one they are closed.
 */
class OperatorCredentialTest {

  private static final List<String> OPERATOR_ROUTES = List.of("/cluster/members", "/cluster/shards/Room", "/fanout");

  /** Open to probes without a credential: a node that has joined answers 200. */
  private static void awaitReady(int port) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> RawHttp.get(port, "/ready").status() == 200);
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithAnOperatorToken {

    @RegisterExtension
    final ParleyNode server =
        new ParleyNode(Map.of("parley.management.operator-token", "op-token-for-the-test-0123456789"));

    @Test
    void operatorRoutesNeedTheTokenHealthChecksDoNot() {
      int port = server.managementPort();
      awaitReady(port);
      assertThat(RawHttp.get(port, "/alive").status()).isEqualTo(200);
      for (String route : OPERATOR_ROUTES) {
        RawHttp.Response anonymous = RawHttp.get(port, route);
        assertThat(anonymous.status()).as(route).isEqualTo(401);
        assertThat(anonymous.body()).contains("\"code\":\"unauthenticated\"");
        assertThat(RawHttp.get(port, route, Map.of("Authorization", "Bearer wrong")).status()).isEqualTo(401);
        assertThat(
                RawHttp.get(port, route, Map.of("Authorization", "Bearer op-token-for-the-test-0123456789"))
                    .status())
            .as(route)
            .isEqualTo(200);
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class InProductionWithoutOne {

    @RegisterExtension
    final ParleyNode server =
        new ParleyNode(
            Map.of(
                "parley.mode", "production",
                "parley.auth.mode", "jwt",
                "parley.auth.hs256-secret", Tokens.SECRET));

    @Test
    void operatorRoutesAreClosed() {
      int port = server.managementPort();
      awaitReady(port);
      for (String route : OPERATOR_ROUTES) {
        RawHttp.Response response = RawHttp.get(port, route, Map.of("Authorization", "Bearer anything"));
        assertThat(response.status()).as(route).isEqualTo(403);
        assertThat(response.body()).contains("PARLEY_OPERATOR_TOKEN");
      }
    }
  }
}
