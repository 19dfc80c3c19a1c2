package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link FrameLevelWebSocket} on the Pekko HTTP in the build: these fail if an upgrade changes the
 * internal API it uses. The stack runs over bytes as a socket would carry them (client frames
 * masked, RFC 6455), and once through a real server and the JDK's WebSocket client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrameLevelWebSocketTest {

  private static final int LIMIT = 64;
  private static final int TEXT = 0x1;
  private static final int CONTINUATION = 0x0;
  private static final int BINARY = 0x2;
  private static final int CLOSE = 0x8;
  private static final int PING = 0x9;
  private static final int PONG = 0xA;

  private final ActorTestKit kit = ActorTestKit.create();
  private final FrameLevelWebSocket frameLevel = new FrameLevelWebSocket(kit.system(), LIMIT);

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aTextFrameIsOneMessage() {
    Connection connection = new Connection(CloseStatus.NORMAL);
    connection.client(frame(TEXT, true, "{\"type\":\"ping\"}"));
    assertThat(connection.nextMessage()).isEqualTo(new InboundMessage.Text("{\"type\":\"ping\"}"));
  }

  @Test
  void fragmentsAreJoined() {
    Connection connection = new Connection(CloseStatus.NORMAL);
    connection.client(
        frame(TEXT, false, "{\"type\":"), frame(CONTINUATION, false, ""), frame(CONTINUATION, true, "\"ping\"}"));
    assertThat(connection.nextMessage()).isEqualTo(new InboundMessage.Text("{\"type\":\"ping\"}"));
  }

  @Test
  void aMessageOverTheLimitIsRefusedAndTheNextOneRead() {
    Connection connection = new Connection(CloseStatus.NORMAL);
    String half = "x".repeat(LIMIT / 2 + 1);
    connection.client(frame(TEXT, true, "y".repeat(LIMIT + 1)));
    connection.client(frame(TEXT, false, half), frame(CONTINUATION, true, half));
    connection.client(frame(TEXT, true, "é".repeat(LIMIT / 2)));
    connection.client(frame(TEXT, true, "é".repeat(LIMIT / 2 + 1)));
    assertThat(connection.nextMessage()).isEqualTo(InboundMessage.Refused.TOO_LARGE);
    assertThat(connection.nextMessage()).isEqualTo(InboundMessage.Refused.TOO_LARGE);
    assertThat(connection.nextMessage()).isEqualTo(new InboundMessage.Text("é".repeat(LIMIT / 2)));
    assertThat(connection.nextMessage()).isEqualTo(InboundMessage.Refused.TOO_LARGE);
  }

  @Test
  void binaryFramesAreRefused() {
    Connection connection = new Connection(CloseStatus.NORMAL);
    connection.client(
        frame(BINARY, false, new byte[] {1, 2}), frame(CONTINUATION, true, new byte[] {3}));
    connection.client(frame(TEXT, true, "{}"));
    assertThat(connection.nextMessage()).isEqualTo(InboundMessage.Refused.BINARY);
    assertThat(connection.nextMessage()).isEqualTo(new InboundMessage.Text("{}"));
  }

  @Test
  void aPingIsAnsweredWithAPong() {
    Connection connection = new Connection(CloseStatus.NORMAL);
    connection.client(frame(PING, true, "are you there"));
    assertThat(connection.nextServerFrame()).isEqualTo(new ServerFrame(PONG, "are you there"));
  }

  @Test
  void stringsGoOutAsTextFramesThenTheCloseWithItsStatus() {
    Connection connection = new Connection(new CloseStatus(4000, "slow_consumer"));
    connection.server("{\"type\":\"pong\"}");
    connection.server("é");
    connection.endServer();
    assertThat(connection.nextServerFrame()).isEqualTo(new ServerFrame(TEXT, "{\"type\":\"pong\"}"));
    assertThat(connection.nextServerFrame()).isEqualTo(new ServerFrame(TEXT, "é"));
    assertThat(connection.nextServerFrame()).isEqualTo(closeFrame(4000, "slow_consumer"));
    connection.client(frame(CLOSE, true, closePayload(4000, "")));
    assertThat(connection.ended()).succeedsWithin(Duration.ofSeconds(5));
  }

  @Test
  void theClientsCloseEndsTheMessagesAndIsAnsweredOnceTheServerIsDone() {
    Connection connection = new Connection(new CloseStatus(4000, "slow_consumer"));
    connection.client(frame(CLOSE, true, closePayload(1000, "bye")));
    assertThat(connection.messagesEnded()).succeedsWithin(Duration.ofSeconds(5));
    connection.server("{\"type\":\"last\"}");
    connection.endServer();
    assertThat(connection.nextServerFrame()).isEqualTo(new ServerFrame(TEXT, "{\"type\":\"last\"}"));
    assertThat(connection.nextServerFrame()).isEqualTo(closeFrame(1000, "bye"));
    assertThat(connection.ended()).succeedsWithin(Duration.ofSeconds(5));
  }

  @Test
  void invalidUtf8ClosesWith1007() {
    Connection connection = new Connection(CloseStatus.NORMAL);
    connection.client(frame(TEXT, true, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
    assertThat(connection.nextServerFrame().opcode()).isEqualTo(CLOSE);
    assertThat(connection.lastCloseCode()).isEqualTo(1007);
    assertThat(connection.messagesEnded()).succeedsWithin(Duration.ofSeconds(5));
  }

  @Test
  void aClientThatDoesNotAnswerTheCloseIsDisconnectedAfterTheCloseTimeout() {
    Connection connection = new Connection(new CloseStatus(4002, "idle_timeout"));
    connection.endServer();
    assertThat(connection.nextServerFrame()).isEqualTo(closeFrame(4002, "idle_timeout"));
    assertThat(connection.ended()).succeedsWithin(Duration.ofSeconds(10));
  }

  /** The entry point itself: a real upgrade, a real client, and the close status it reads. */
  @Test
  void aRealUpgradeIsServedAtTheFrameLevel() throws Exception {
    List<Boolean> servesFrames = new ArrayList<>();
    Flow<InboundMessage, String, ?> echoThenClose =
        Flow.<InboundMessage>create()
            .take(1)
            .map(message -> "echo " + ((InboundMessage.Text) message).text());
    AllDirectives directives = new AllDirectives() {};
    ServerBinding binding =
        Http.get(kit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(
                directives.extractWebSocketUpgrade(
                    upgrade -> {
                      servesFrames.add(FrameLevelWebSocket.servesFrames(upgrade));
                      return directives.complete(
                          frameLevel.handle(
                              upgrade,
                              echoThenClose,
                              () -> new CloseStatus(4005, "room_closed"),
                              Optional.empty()));
                    }))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      CompletableFuture<String> received = new CompletableFuture<>();
      CompletableFuture<String> closed = new CompletableFuture<>();
      java.net.http.WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + "/"),
                  new java.net.http.WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                        java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
                      received.complete(data.toString());
                      webSocket.request(1);
                      return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(
                        java.net.http.WebSocket webSocket, int statusCode, String reason) {
                      closed.complete(statusCode + " " + reason);
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      socket.sendText("hello", true);
      assertThat(received).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("echo hello");
      assertThat(closed).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("4005 room_closed");
      assertThat(servesFrames).containsExactly(true);
    } finally {
      binding.unbind();
    }
  }

  /** The stack between a client's bytes and a test standing in for the connection's logic. */
  private final class Connection {
    private final BoundedSourceQueue<ByteString> fromClient;
    private final BoundedSourceQueue<String> fromServer;
    private final BlockingQueue<InboundMessage> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> messagesEnded = new CompletableFuture<>();
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private int read;
    private int lastCloseCode;

    Connection(CloseStatus closeStatus) {
      Pair<BoundedSourceQueue<String>, Source<String, NotUsed>> server =
          Source.<String>queue(16).preMaterialize(kit.system());
      fromServer = server.first();
      Sink<InboundMessage, ?> toServer =
          Sink.<InboundMessage>foreach(messages::add)
              .mapMaterializedValue(
                  done -> done.whenComplete((ok, failure) -> messagesEnded.complete(null)));
      fromClient =
          Source.<ByteString>queue(16)
              .via(frameLevel.overBytes(Flow.fromSinkAndSource(toServer, server.second()), () -> closeStatus))
              .to(
                  Sink.<ByteString>foreach(this::received)
                      .mapMaterializedValue(
                          done -> done.whenComplete((ok, failure) -> ended.complete(null))))
              .run(kit.system());
    }

    void client(byte[]... frames) {
      for (byte[] frame : frames) {
        fromClient.offer(ByteString.fromArray(frame));
      }
    }

    void server(String text) {
      fromServer.offer(text);
    }

    void endServer() {
      fromServer.complete();
    }

    InboundMessage nextMessage() {
      try {
        InboundMessage message = messages.poll(5, TimeUnit.SECONDS);
        assertThat(message).as("a message within 5 s").isNotNull();
        return message;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    CompletableFuture<Void> messagesEnded() {
      return messagesEnded;
    }

    CompletableFuture<Void> ended() {
      return ended;
    }

    int lastCloseCode() {
      return lastCloseCode;
    }

    private synchronized void received(ByteString bytes) {
      toClient.writeBytes(bytes.toArray());
    }

    /** Server frames are never fragmented nor masked, and these are short (< 126 bytes). */
    ServerFrame nextServerFrame() {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> available().length >= read + 2 && available().length >= read + 2 + (available()[read + 1] & 0x7f));
      byte[] bytes = available();
      int opcode = bytes[read] & 0x0f;
      assertThat(bytes[read] & 0x80).as("fin").isNotZero();
      int length = bytes[read + 1];
      assertThat(length).as("unmasked and short").isBetween(0, 125);
      byte[] payload = Arrays.copyOfRange(bytes, read + 2, read + 2 + length);
      read += 2 + length;
      if (opcode == CLOSE) {
        lastCloseCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        return new ServerFrame(
            CLOSE, lastCloseCode + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
      }
      return new ServerFrame(opcode, new String(payload, StandardCharsets.UTF_8));
    }

    private synchronized byte[] available() {
      return toClient.toByteArray();
    }
  }

  private record ServerFrame(int opcode, String payload) {}

  private static ServerFrame closeFrame(int code, String reason) {
    return new ServerFrame(CLOSE, code + " " + reason);
  }

  private static byte[] closePayload(int code, String reason) {
    ByteBuffer payload = ByteBuffer.allocate(2 + reason.length());
    payload.putShort((short) code).put(reason.getBytes(StandardCharsets.US_ASCII));
    return payload.array();
  }

  private static byte[] frame(int opcode, boolean fin, String payload) {
    return frame(opcode, fin, payload.getBytes(StandardCharsets.UTF_8));
  }

  /** A client frame, masked as RFC 6455 5.3 requires. */
  private static byte[] frame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }
}
