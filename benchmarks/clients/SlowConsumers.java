import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Opens N connections that join a room and then never read, then writes E acked changes of
 * about B bytes into the room from one normal client, and pauses so the caller can measure the
 * server's heap while the slow connections hold their queued frames. A protocol client only:
 * it knows nothing of the server's internals.
 *
 * <p>Usage: java SlowConsumers.java PORT SLOW_CLIENTS EVENTS VALUE_BYTES STAGE_FILE
 */
public final class SlowConsumers {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int slow = Integer.parseInt(args[1]);
    int events = Integer.parseInt(args[2]);
    int valueBytes = Integer.parseInt(args[3]);
    java.nio.file.Path stage = java.nio.file.Path.of(args[4]);
    String room = "slow-" + System.nanoTime();

    List<Socket> silent = new ArrayList<>();
    for (int i = 0; i < slow; i++) {
      silent.add(silentClient(port, room, "slow" + i));
    }
    Writer writer = new Writer(port, room);
    writer.send("{\"type\":\"ping\",\"id\":\"warm\"}");
    writer.await("\"pong\"");
    java.nio.file.Files.writeString(stage, "joined\n");
    waitFor(stage, "measured-baseline");

    String value = "x".repeat(valueBytes);
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      writer.send("{\"type\":\"set\",\"id\":\"c" + i + "\",\"key\":\"k" + (i % 100) + "\",\"value\":\"" + value + "\"}");
      writer.await("\"id\":\"c" + i + "\"");
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("wrote " + events + " acked changes of " + valueBytes + " bytes in " + millis + " ms");
    java.nio.file.Files.writeString(stage, "written\n");
    waitFor(stage, "done");
    for (Socket socket : silent) {
      socket.close();
    }
    System.exit(0);
  }

  private static void waitFor(java.nio.file.Path stage, String word) throws Exception {
    while (!java.nio.file.Files.readString(stage).contains(word)) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** Upgrades, says hello, and from then on neither reads nor writes. */
  private static Socket silentClient(int port, String room, String user) throws Exception {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setReceiveBufferSize(4096);
    OutputStream out = socket.getOutputStream();
    out.write(("GET /v1/rooms/" + room + "/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    byte[] hello = ("{\"type\":\"hello\",\"userId\":\"" + user + "\",\"name\":\"" + user + "\"}").getBytes(StandardCharsets.UTF_8);
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
    frame.write(0x81);
    frame.write(0x80 | hello.length);
    frame.writeBytes(mask);
    for (int i = 0; i < hello.length; i++) {
      frame.write(hello[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
    return socket;
  }

  private static final class Writer implements WebSocket.Listener {
    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    Writer(int port, String room) throws Exception {
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/rooms/" + room + "/ws"), this)
              .join();
      send("{\"type\":\"hello\",\"userId\":\"writer\",\"name\":\"Writer\"}");
      await("\"welcome\"");
    }

    void send(String text) {
      socket.sendText(text, true).join();
    }

    void await(String fragment) throws Exception {
      while (true) {
        String frame = frames.poll(30, TimeUnit.SECONDS);
        if (frame == null) {
          throw new IllegalStateException("nothing containing " + fragment);
        }
        if (frame.contains(fragment) && (frame.contains("\"ack\"") || !fragment.startsWith("\"id\""))) {
          return;
        }
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return CompletableFuture.completedFuture(null);
    }
  }
}
