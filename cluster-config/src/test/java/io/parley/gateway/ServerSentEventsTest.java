package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.testing.SseClient;
import io.parley.testing.TestClient;
import io.parley.testing.ParleyNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SSE read path: snapshot, then one event per change; Last-Event-ID resumes exactly. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerSentEventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension
  final ParleyNode server = new ParleyNode(Map.of("parley.gateway.heartbeat-interval", "300ms"));

  @Test
  void aReaderGetsTheSnapshotThenEveryChangeAndResumesWithLastEventId() throws Exception {
    try (TestClient ann = TestClient.join(server.port(), "sse", "ann", "Ann")) {
      set(ann, "a", 1);

      long lastSeen;
      try (SseClient reader = SseClient.open(server.port(), "sse", Optional.empty())) {
        SseClient.Event snapshot = reader.nextEvent();
        assertThat(snapshot.type()).isEqualTo("snapshot");
        assertThat(snapshot.id()).isEqualTo("2");
        assertThat(JSON.readTree(snapshot.data()).at("/state/a/value").asInt()).isEqualTo(1);

        set(ann, "b", 2);
        set(ann, "c", 3);
        SseClient.Event first = reader.nextEvent();
        SseClient.Event second = reader.nextEvent();
        assertThat(first.type()).isEqualTo("event");
        assertThat(first.id()).isEqualTo("3");
        assertThat(second.id()).isEqualTo("4");
        JsonNode change = JSON.readTree(second.data());
        assertThat(change.path("kind").asText()).isEqualTo("state.changed");
        assertThat(change.path("version").asLong()).isEqualTo(4);
        lastSeen = Long.parseLong(second.id());
      }

      set(ann, "d", 4);
      set(ann, "e", 5);
      try (SseClient resumed = SseClient.open(server.port(), "sse", Optional.of(Long.toString(lastSeen)))) {
        assertThat(resumed.nextEvent().id()).isEqualTo("5");
        assertThat(resumed.nextEvent().id()).isEqualTo("6");
        set(ann, "f", 6);
        SseClient.Event live = resumed.nextEvent();
        assertThat(live.id()).isEqualTo("7");
        assertThat(live.type()).isEqualTo("event");
      }
    }
  }

  @Test
  void quietStreamsCarryHeartbeatComments() {
    try (SseClient reader = SseClient.open(server.port(), "sse-quiet", Optional.empty())) {
      assertThat(reader.nextEvent().type()).isEqualTo("snapshot");
      SseClient.Event heartbeat = reader.next();
      assertThat(heartbeat.comment()).isNotNull();
    }
  }

  @Test
  void aMalformedLastEventIdIsRefused() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/rooms/sse/events"))
                    .header("Last-Event-ID", "yesterday")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("Last-Event-ID");
  }

  private static void set(TestClient client, String key, int value) {
    String id = "set-" + key;
    client.send(json("type", "set", "id", id, "key", key, "value", value));
    assertThat(client.expectAnswer(id).path("type").asText()).isEqualTo("ack");
  }
}
