package io.parley.ops;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Metrics;
import io.parley.testing.ParleyNode;
import io.parley.testing.Promtool;
import io.parley.testing.RawHttp;
import io.parley.testing.SilentWebSocket;
import io.parley.testing.SlowConsumers;
import io.parley.testing.SseClient;
import io.parley.testing.TestClient;
import io.parley.testing.Tokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The meters of real nodes, black-box: a scripted session of real WebSocket, SSE and HTTP
 * clients, and {@code GET /metrics} on the management port before and after it; each counter
 * must move by exactly what the session did, and the exposition must pass {@code promtool check
 * metrics}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String OPERATOR_TOKEN = "the-operator-token-of-the-metrics-test";

  /** Authentication off, and a client that stops reading is given up on soon. */
  @RegisterExtension
  final ParleyNode open =
      new ParleyNode(
          SlowConsumers.settings(
              Duration.ofSeconds(2), Map.of("parley.gateway.heartbeat-interval", "2s")));

  /** Production: tokens required, and the operator's token for /metrics. */
  @RegisterExtension
  final ParleyNode secured =
      new ParleyNode(
          Map.of(
              "parley.mode", "production",
              "parley.auth.mode", "jwt",
              "parley.auth.hs256-secret", Tokens.SECRET,
              "parley.management.operator-token", OPERATOR_TOKEN));

  @Test
  void aSessionMovesEachCounterByWhatItDidAndTheExpositionPassesPromtool() {
    Metrics before = Metrics.scrape(open.managementPort());
    int port = open.port();
    int writerAcks;
    int writerSets;
    try (TestClient ann = TestClient.join(port, "m-flow", "ann", "Ann");
        TestClient bob = TestClient.join(port, "m-flow", "bob", "Bob")) {
      // three changes acknowledged, one rejected (the key exists: conflict)
      send(ann, json("type", "set", "id", "c1", "key", "k1", "value", 1), "ack");
      send(ann, json("type", "set", "id", "c2", "key", "k2", "value", 2), "ack");
      send(ann, json("type", "chat", "id", "c3", "text", "hello there"), "ack");
      send(ann, json("type", "set", "id", "c4", "key", "k1", "value", 3, "expect", 0), "reject");
      // a frame that is not JSON
      ann.sendText("this is not a frame");
      assertThat(ann.expect("error").path("code").asText()).isEqualTo("bad_frame");
      // a burst of cursors: coalesced per tick, and over the user's cursor rate
      for (int i = 1; i <= 60; i++) {
        bob.send(json("type", "cursor", "x", i, "y", i));
      }
      ann.expect(f -> "cursors".equals(f.path("type").asText()), "cursors");

      // a client that never reads is given up on: a slow consumer
      try (TestClient writer = TestClient.join(port, "m-slow", "writer", "Writer");
          SilentWebSocket slow =
              SilentWebSocket.openAndSend(
                  port, "m-slow", json("type", "hello", "userId", "slow", "name", "Slow").toString())) {
        writer.expectEvent("member.joined");
        SlowConsumers.overflow(writer, "slow");
        writerAcks = frames(writer, "ack");
        writerSets = writerAcks;
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  Metrics during = Metrics.scrape(open.managementPort());
                  assertThat(delta(before, during, "parley_members_online")).isEqualTo(3);
                  assertThat(delta(before, during, "parley_rooms_active")).isEqualTo(2);
                  assertThat(delta(before, during, "parley_connections_open"))
                      .isGreaterThanOrEqualTo(3);
                });
      }

      try (SseClient events = SseClient.open(port, "m-flow", Optional.empty())) {
        events.nextEvent();
        await()
            .atMost(WAIT)
            .until(() -> Metrics.scrape(open.managementPort()).value("parley_sse_streams_open") == 1);
      }
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Metrics closed = Metrics.scrape(open.managementPort());
              assertThat(delta(before, closed, "parley_connections_open")).isZero();
              assertThat(delta(before, closed, "parley_members_online")).isZero();
              assertThat(closed.value("parley_sse_streams_open")).isZero();
            });

    Metrics after = Metrics.scrape(open.managementPort());
    int acks = 3 + writerAcks;
    assertThat(delta(before, after, "parley_connections_opened_total")).isEqualTo(4);
    assertThat(delta(before, after, "parley_frames_in_total", "type", "hello")).isEqualTo(4);
    assertThat(delta(before, after, "parley_frames_out_total", "type", "welcome")).isEqualTo(4);
    assertThat(delta(before, after, "parley_frames_in_total", "type", "change"))
        .isEqualTo(3 + writerSets);
    assertThat(delta(before, after, "parley_frames_in_total", "type", "chat")).isEqualTo(1);
    assertThat(delta(before, after, "parley_frames_in_total", "type", "cursor")).isEqualTo(60);
    assertThat(delta(before, after, "parley_frames_in_total", "type", "invalid")).isEqualTo(1);
    assertThat(delta(before, after, "parley_acks_total")).isEqualTo(acks);
    assertThat(delta(before, after, "parley_frames_out_total", "type", "ack")).isEqualTo(acks);
    assertThat(delta(before, after, "parley_rejects_total", "code", "conflict")).isEqualTo(1);
    assertThat(delta(before, after, "parley_rejects_total")).isEqualTo(1);
    assertThat(delta(before, after, "parley_frames_out_total", "type", "reject")).isEqualTo(1);
    assertThat(delta(before, after, "parley_errors_total", "code", "bad_frame")).isEqualTo(1);
    assertThat(delta(before, after, "parley_slow_consumer_disconnects_total")).isEqualTo(1);
    // every command sent to a room was answered, and timed
    assertThat(delta(before, after, "parley_ack_latency_seconds_count")).isEqualTo(acks + 1);
    // each acknowledged command and each of the 4 joins wrote one event, in batches of one or more
    assertThat(delta(before, after, "parley_journal_batch_size_events_sum")).isEqualTo(acks + 4);
    assertThat(delta(before, after, "parley_journal_write_seconds_count"))
        .isBetween(1.0, (double) acks + 4);
    assertThat(delta(before, after, "parley_room_recovery_seconds_count")).isEqualTo(2);
    assertThat(delta(before, after, "parley_cursors_total", "outcome", "coalesced")).isPositive();
    assertThat(delta(before, after, "parley_rate_limited_total", "kind", "cursors")).isPositive();
    assertThat(delta(before, after, "parley_rate_limited_total", "kind", "commands")).isZero();
    assertThat(delta(before, after, "parley_auth_failures_total")).isZero();
    assertThat(after.value("parley_cluster_members", "status", "up")).isEqualTo(1);
    assertThat(after.value("jvm_memory_used_bytes")).isPositive();
    assertThat(after.value("process_cpu_seconds_total")).isPositive();

    Promtool.Result lint = Promtool.checkMetrics(after.text());
    assertThat(lint.exitStatus()).as("promtool check metrics:\n" + lint.output()).isZero();
  }

  @Test
  void refusedTokensAreCountedByReasonAndMetricsNeedTheOperatorsToken() {
    int management = secured.managementPort();
    HttpResponse<String> refused = Metrics.get(management, Optional.empty());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("\"code\":\"unauthenticated\"");
    assertThat(Metrics.get(management, Optional.of("a wrong token")).statusCode()).isEqualTo(401);

    Optional<String> operator = Optional.of(OPERATOR_TOKEN);
    Metrics before = Metrics.scrape(management, operator);
    int port = secured.port();
    String elsewhere =
        Tokens.sign(
            new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
            Tokens.claims("eve", "Eve", Map.of("*", "write")).build(),
            Tokens.mac("another-secret-of-at-least-32-bytes-long!".getBytes()));
    String otherRooms = Tokens.hs256(Tokens.claims("ann", "Ann", Map.of("team-*", "write")));
    assertThat(RawHttp.get(port, "/v1/rooms/lobby").status()).isEqualTo(401);
    assertThat(RawHttp.get(port, "/v1/rooms/lobby/ws", Tokens.upgradeHeaders()).status())
        .isEqualTo(401);
    assertThat(RawHttp.get(port, "/v1/rooms/lobby?access_token=" + elsewhere).status())
        .isEqualTo(401);
    assertThat(RawHttp.get(port, "/v1/rooms/lobby?access_token=not.a.token").status())
        .isEqualTo(401);
    assertThat(RawHttp.get(port, "/v1/rooms/lobby?access_token=" + otherRooms).status())
        .isEqualTo(403);
    Map<String, String> foreignPage = new HashMap<>(Tokens.upgradeHeaders());
    foreignPage.put("Origin", "https://elsewhere.example");
    assertThat(RawHttp.get(port, "/v1/rooms/lobby/ws", foreignPage).status()).isEqualTo(403);

    Metrics after = Metrics.scrape(management, operator);
    assertThat(delta(before, after, "parley_auth_failures_total", "reason", "missing_token"))
        .isEqualTo(2);
    assertThat(delta(before, after, "parley_auth_failures_total", "reason", "bad_signature"))
        .isEqualTo(1);
    assertThat(delta(before, after, "parley_auth_failures_total", "reason", "malformed_token"))
        .isEqualTo(1);
    assertThat(delta(before, after, "parley_auth_failures_total", "reason", "forbidden"))
        .isEqualTo(1);
    assertThat(delta(before, after, "parley_auth_failures_total", "reason", "origin_not_allowed"))
        .isEqualTo(1);
    assertThat(delta(before, after, "parley_auth_failures_total")).isEqualTo(6);
    assertThat(delta(before, after, "parley_http_errors_total", "status", "401")).isEqualTo(4);
    assertThat(delta(before, after, "parley_http_errors_total", "status", "403")).isEqualTo(2);
    Promtool.Result lint = Promtool.checkMetrics(after.text());
    assertThat(lint.exitStatus()).as("promtool check metrics:\n" + lint.output()).isZero();
  }

  private static void send(TestClient client, JsonNode command, String answer) {
    client.send(command);
    assertThat(client.expectAnswer(command.path("id").asText()).path("type").asText())
        .isEqualTo(answer);
  }

  private static int frames(TestClient client, String type) {
    return (int)
        client.received().stream().filter(f -> type.equals(f.path("type").asText())).count();
  }

  private static double delta(Metrics before, Metrics after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }
}
