package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.testing.ParleyNode;
import io.parley.testing.RoomReads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The new-connection limit of an address holds over any window-long span, not per fixed window:
 * real upgrades from one address, in bursts scheduled around the points where a fixed window
 * would start afresh.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NewConnectionWindowTest {

  private static final int LIMIT = 5;
  private static final Duration WINDOW = Duration.ofSeconds(2);

  /**
   * When each burst starts (ms from the first) and how many upgrades it tries: 60 in 7.5 s. Every
   * burst comes half a second away from the moment an earlier one leaves the window, so the
   * expected admissions do not depend on scheduling jitter below that.
   */
  private static final List<Burst> BURSTS =
      List.of(
          new Burst(0, 1, 1),
          new Burst(1_000, 10, 4),
          // A fixed window starting at 0 would start afresh here and admit 5: 9 within 1.5 s.
          new Burst(2_500, 10, 1),
          new Burst(3_500, 10, 4),
          new Burst(5_000, 10, 1),
          new Burst(6_000, 10, 4),
          new Burst(7_500, 9, 1));

  /** {@code expected}: how many of its {@code attempts} the sliding window admits. */
  private record Burst(long atMillis, int attempts, int expected) {}

  private record Attempt(int burst, long sentNanos, long answeredNanos, int status) {}

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          Map.of(
              "parley.limits.connections.new-per-address", LIMIT,
              "parley.limits.connections.new-per-address-window", WINDOW.toMillis() + "ms",
              "parley.limits.connections.per-address", 1_000));

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void noWindowLongSpanAdmitsMoreThanTheLimitFromOneAddress() throws Exception {
    // Warms the client up with a read, which the limit does not count.
    RoomReads.room(server.port(), "window");

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    List<Attempt> attempts = new ArrayList<>();
    try {
      List<ScheduledFuture<List<CompletableFuture<Attempt>>>> bursts = new ArrayList<>();
      for (int b = 0; b < BURSTS.size(); b++) {
        int burst = b;
        bursts.add(
            scheduler.schedule(
                () -> fire(burst, BURSTS.get(burst).attempts()),
                BURSTS.get(b).atMillis(),
                TimeUnit.MILLISECONDS));
      }
      for (ScheduledFuture<List<CompletableFuture<Attempt>>> burst : bursts) {
        for (CompletableFuture<Attempt> attempt : burst.get(30, TimeUnit.SECONDS)) {
          attempts.add(attempt.get(10, TimeUnit.SECONDS));
        }
      }
    } finally {
      scheduler.shutdownNow();
    }

    assertThat(attempts).hasSize(60).allSatisfy(a -> assertThat(a.status()).isIn(101, 429));
    for (int b = 0; b < BURSTS.size(); b++) {
      int burst = b;
      assertThat(attempts.stream().filter(a -> a.burst() == burst && a.status() == 101).count())
          .as("upgrades admitted in burst %d at %d ms", b, BURSTS.get(b).atMillis())
          .isEqualTo(BURSTS.get(b).expected());
    }
    // Whatever the jitter: of any LIMIT + 1 admitted upgrades, the last was answered at least a
    // window after the first was sent.
    List<Attempt> admitted =
        attempts.stream()
            .filter(a -> a.status() == 101)
            .sorted(Comparator.comparingLong(Attempt::sentNanos))
            .toList();
    for (int i = 0; i + LIMIT < admitted.size(); i++) {
      long span = admitted.get(i + LIMIT).answeredNanos() - admitted.get(i).sentNanos();
      assertThat(Duration.ofNanos(span))
          .as("from admitted upgrade %d to %d", i, i + LIMIT)
          .isGreaterThanOrEqualTo(WINDOW);
    }
  }

  private List<CompletableFuture<Attempt>> fire(int burst, int count) {
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/v1/rooms/window/ws");
    List<CompletableFuture<Attempt>> attempts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long sent = System.nanoTime();
      attempts.add(
          http.newWebSocketBuilder()
              .buildAsync(uri, new WebSocket.Listener() {})
              .handle(
                  (socket, failure) -> {
                    long answered = System.nanoTime();
                    if (socket != null) {
                      socket.abort();
                      return new Attempt(burst, sent, answered, 101);
                    }
                    return new Attempt(burst, sent, answered, statusOf(failure));
                  }));
    }
    return attempts;
  }

  private static int statusOf(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    return cause instanceof WebSocketHandshakeException refused ? refused.getResponse().statusCode() : -1;
  }
}
