import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A busy room: MOVERS clients each send cursor positions at HZ for SECONDS while one watcher
 * counts what it receives. Without coalescing the watcher would get one frame per move of every
 * other session; the report compares that with the frames it actually got. A protocol client
 * only.
 *
 * <p>Usage: java CursorStorm.java PORT MOVERS HZ SECONDS
 */
public final class CursorStorm {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int movers = Integer.parseInt(args[1]);
    int hz = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    String room = "storm-" + System.nanoTime();

    Client watcher = new Client(port, room, "watcher");
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < movers; i++) {
      clients.add(new Client(port, room, "mover" + i));
    }
    AtomicLong sent = new AtomicLong();
    ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
    CountDownLatch done = new CountDownLatch(movers);
    long periodMicros = 1_000_000L / hz;
    long total = (long) hz * seconds;
    for (Client client : clients) {
      AtomicLong n = new AtomicLong();
      ticks.scheduleAtFixedRate(
          () -> {
            long i = n.incrementAndGet();
            if (i > total) {
              done.countDown();
              throw new RuntimeException("finished");
            }
            client.send("{\"type\":\"cursor\",\"x\":" + i + ",\"y\":" + (i * 2) + "}");
            sent.incrementAndGet();
          },
          0,
          periodMicros,
          TimeUnit.MICROSECONDS);
    }
    done.await(seconds + 30L, TimeUnit.SECONDS);
    ticks.shutdownNow();
    TimeUnit.SECONDS.sleep(1);
    long frames = watcher.cursorFrames.get();
    long entries = watcher.cursorEntries.get();
    System.out.printf(
        "movers=%d hz=%d seconds=%d: cursor moves sent=%d, frames the watcher received=%d"
            + " (one per move without coalescing: %d), cursor entries in them=%d, frames saved=%.1f%%%n",
        movers, hz, seconds, sent.get(), frames, sent.get(), entries, 100.0 * (1 - (double) frames / sent.get()));
    System.exit(0);
  }

  private static final class Client implements WebSocket.Listener {
    final AtomicLong cursorFrames = new AtomicLong();
    final AtomicLong cursorEntries = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;
    private final CountDownLatch welcome = new CountDownLatch(1);

    Client(int port, String room, String user) throws Exception {
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/rooms/" + room + "/ws"), this)
              .join();
      send("{\"type\":\"hello\",\"userId\":\"" + user + "\",\"name\":\"" + user + "\"}");
      welcome.await(30, TimeUnit.SECONDS);
    }

    synchronized void send(String text) {
      socket.sendText(text, true).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        if (frame.startsWith("{\"type\":\"welcome\"")) {
          welcome.countDown();
        } else if (frame.startsWith("{\"type\":\"cursors\"")) {
          cursorFrames.incrementAndGet();
          cursorEntries.addAndGet(frame.split("\"sessionId\"", -1).length - 1);
        }
      }
      webSocket.request(1);
      return CompletableFuture.completedFuture(null);
    }
  }
}
