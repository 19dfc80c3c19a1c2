package io.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** The REST reads of a node, for tests. */
public final class RoomReads {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RoomReads() {}

  public static JsonNode room(int port, String roomId) {
    return get(port, "/v1/rooms/" + roomId);
  }

  public static JsonNode presence(int port, String roomId) {
    return get(port, "/v1/rooms/" + roomId + "/presence");
  }

  /** Reads the presence again until it matches, or fails after {@link TestClient#WAIT}. */
  public static JsonNode awaitPresence(int port, String roomId, Predicate<JsonNode> condition) {
    return Awaitility.await()
        .atMost(TestClient.WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> presence(port, roomId), condition::test);
  }

  public static JsonNode get(int port, String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
