package io.parley.benchmarks.idle;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * One idle client connection, driven by its {@link ClientLoop}: connect from its source address,
 * upgrade, {@code hello}, wait for {@code welcome}, then stay quiet: a {@code ping} frame at the
 * heartbeat interval of the welcome, a Pong for every server Ping. Not thread-safe: the loop's
 * thread only.
 */
final class IdleSocket {

  enum State {
    CONNECTING,
    UPGRADING,
    JOINING,
    OPEN,
    CLOSING,
    CLOSED;

    boolean beforeWelcome() {
      return this == CONNECTING || this == UPGRADING || this == JOINING;
    }
  }

  private static final String PING = "{\"type\":\"ping\"}";
  private static final String LEAVE = "{\"type\":\"leave\"}";
  private static final long CLOSE_TIMEOUT_NANOS = 10_000_000_000L;
  /** Error frames printed per process, so that a refusal is visible without flooding. */
  private static int errorsPrinted;

  private final ClientLoop loop;
  private final ConnectionSpec spec;
  private final ConnectBatch batch;
  private SocketChannel channel;
  private SelectionKey key;
  private State state = State.CONNECTING;
  private Handshake handshake;
  private long startedNanos;
  private long lastTextSentNanos;
  private long heartbeatNanos;
  private long closingSinceNanos;
  private ByteBuffer leftover;
  private ArrayDeque<ByteBuffer> unwritten;
  private ByteArrayOutputStream fragments;

  IdleSocket(ClientLoop loop, ConnectionSpec spec, ConnectBatch batch) {
    this.loop = loop;
    this.spec = spec;
    this.batch = batch;
  }

  State state() {
    return state;
  }

  void start() {
    startedNanos = System.nanoTime();
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.bind(new InetSocketAddress(spec.source(), 0));
      boolean connected = channel.connect(loop.server());
      key = channel.register(loop.selector(), connected ? 0 : SelectionKey.OP_CONNECT, this);
      if (connected) {
        onConnected();
      }
    } catch (IOException | RuntimeException e) {
      fail(describe("connect", e));
    }
  }

  /** Called by the loop when the key of this socket is ready. */
  void onReady() {
    try {
      if (key.isConnectable()) {
        channel.finishConnect();
        onConnected();
      }
      if (state != State.CLOSED && key.isWritable()) {
        flush();
      }
      if (state != State.CLOSED && key.isReadable()) {
        read();
      }
    } catch (IOException | RuntimeException e) {
      fail(describe(state.name().toLowerCase(Locale.ROOT), e));
    }
  }

  /** Timers, called by the loop a few times a second. */
  void tick(long now) {
    if (startedNanos == 0) {
      return; // still waiting for its turn to connect
    }
    if (state.beforeWelcome() && now - startedNanos > loop.connectTimeoutNanos()) {
      fail("timeout while " + state.name().toLowerCase(Locale.ROOT));
    } else if (state == State.OPEN && now - lastTextSentNanos >= heartbeatNanos) {
      loop.counters().heartbeatsSent++;
      sendText(PING);
    } else if (state == State.CLOSING && now - closingSinceNanos > CLOSE_TIMEOUT_NANOS) {
      loop.counters().closeTimeouts++;
      closeChannel();
    }
  }

  /** Leaves the room (optionally) and closes the WebSocket; the server ends the TCP connection. */
  void startClose(boolean leave) {
    if (state == State.OPEN) {
      if (leave) {
        sendText(LEAVE);
      }
      send(WsFrames.close(1000));
      if (state != State.CLOSED) {
        moveTo(State.CLOSING);
        closingSinceNanos = System.nanoTime();
      }
    } else if (state != State.CLOSED && state != State.CLOSING) {
      fail("closed by the benchmark before welcome");
    }
  }

  private void onConnected() throws IOException {
    moveTo(State.UPGRADING);
    key.interestOps(SelectionKey.OP_READ);
    handshake = new Handshake(loop.hostPort(), spec.path());
    send(handshake.request());
  }

  private void read() throws IOException {
    ByteBuffer buffer = loop.readBuffer();
    buffer.clear();
    int n = channel.read(buffer);
    if (n < 0) {
      onEndOfStream();
      return;
    }
    buffer.flip();
    ByteBuffer in = buffer;
    if (leftover != null) {
      in = ByteBuffer.allocate(leftover.remaining() + buffer.remaining()).put(leftover).put(buffer).flip();
      leftover = null;
    }
    consume(in);
    if (state != State.CLOSED && in.hasRemaining()) {
      leftover = ByteBuffer.allocate(in.remaining()).put(in).flip();
    }
  }

  private void consume(ByteBuffer in) throws IOException {
    if (state == State.UPGRADING) {
      int end = Handshake.endOfHead(in);
      if (end < 0) {
        if (in.remaining() > Handshake.MAX_RESPONSE_HEAD) {
          fail("response head too long");
        }
        return;
      }
      byte[] head = new byte[end - in.position()];
      in.get(head);
      String refusal = handshake.refusal(new String(head, StandardCharsets.ISO_8859_1));
      if (refusal != null) {
        fail(refusal);
        return;
      }
      handshake = null;
      moveTo(State.JOINING);
      sendText(spec.hello());
    }
    while (state == State.JOINING || state == State.OPEN || state == State.CLOSING) {
      WsFrames.Frame frame = WsFrames.next(in);
      if (frame == null) {
        return;
      }
      onFrame(frame);
    }
  }

  private void onFrame(WsFrames.Frame frame) throws IOException {
    switch (frame.opcode()) {
      case WsFrames.PING -> {
        loop.counters().serverPingsReceived++;
        loop.counters().pongsSent++;
        send(WsFrames.pong(frame.payload()));
      }
      case WsFrames.PONG -> {}
      case WsFrames.CLOSE -> onCloseFrame(frame.closeCode());
      case WsFrames.TEXT, WsFrames.CONTINUATION -> {
        if (frame.fin() && fragments == null) {
          onText(frame.text());
        } else {
          if (fragments == null) {
            fragments = new ByteArrayOutputStream();
          }
          fragments.write(frame.payload());
          if (frame.fin()) {
            String text = fragments.toString(StandardCharsets.UTF_8);
            fragments = null;
            onText(text);
          }
        }
      }
      default -> loop.counters().otherTextFramesReceived++;
    }
  }

  private void onText(String text) throws IOException {
    JsonNode frame = loop.json().readTree(text);
    switch (frame.path("type").asText()) {
      case "welcome" -> {
        if (state == State.JOINING) {
          heartbeatNanos = frame.path("heartbeat").path("intervalMs").asLong(15_000) * 1_000_000L;
          moveTo(State.OPEN);
          loop.counters().welcomed++;
          batch.welcomed(System.nanoTime() - startedNanos);
        }
      }
      case "pong" -> loop.counters().pongFramesReceived++;
      case "event" -> loop.counters().eventFramesReceived++;
      case "error" -> {
        String code = frame.path("code").asText();
        ClientCounters.count(loop.counters().errorFrames, code);
        if (errorsPrinted++ < 10) {
          System.err.println(spec.user() + " in " + spec.room() + ": " + text);
        }
        if (state == State.JOINING) {
          fail("error " + code);
        }
      }
      default -> loop.counters().otherTextFramesReceived++;
    }
  }

  private void onCloseFrame(int code) {
    if (state == State.OPEN) {
      ClientCounters.count(loop.counters().closedByServer, "close " + code);
      send(WsFrames.close(code == 1005 ? 1000 : code));
    } else if (state.beforeWelcome()) {
      fail("closed by server before welcome: " + code);
      return;
    }
    closeChannel();
  }

  private void onEndOfStream() {
    if (state == State.OPEN) {
      ClientCounters.count(loop.counters().closedByServer, "end of stream without close frame");
    } else if (state.beforeWelcome()) {
      fail("end of stream while " + state.name().toLowerCase(Locale.ROOT));
      return;
    }
    closeChannel();
  }

  private void sendText(String text) {
    lastTextSentNanos = System.nanoTime();
    send(WsFrames.text(text));
  }

  private void send(ByteBuffer frame) {
    try {
      if (unwritten != null && !unwritten.isEmpty()) {
        unwritten.add(frame);
        return;
      }
      channel.write(frame);
      if (frame.hasRemaining()) {
        if (unwritten == null) {
          unwritten = new ArrayDeque<>(2);
        }
        unwritten.add(frame);
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
      }
    } catch (IOException | RuntimeException e) {
      fail(describe("write", e));
    }
  }

  private void flush() throws IOException {
    while (unwritten != null && !unwritten.isEmpty()) {
      ByteBuffer head = unwritten.peek();
      channel.write(head);
      if (head.hasRemaining()) {
        return;
      }
      unwritten.poll();
    }
    key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
  }

  /** A connection that ends badly: a connect failure before welcome, a lost one after it. */
  void fail(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    if (state.beforeWelcome()) {
      batch.failed(reason);
      ClientCounters.count(loop.counters().connectFailures, reason);
    } else if (state == State.OPEN) {
      ClientCounters.count(loop.counters().lostAfterWelcome, reason);
    }
    closeChannel();
  }

  private void closeChannel() {
    moveTo(State.CLOSED);
    leftover = null;
    unwritten = null;
    if (key != null) {
      key.cancel();
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private void moveTo(State next) {
    State before = state;
    state = next;
    if (before == State.OPEN && next != State.OPEN) {
      loop.counters().open--;
    } else if (before != State.OPEN && next == State.OPEN) {
      loop.counters().open++;
    }
    if (before.beforeWelcome() && !next.beforeWelcome()) {
      loop.settled();
    }
  }

  private static String describe(String during, Throwable e) {
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return during + ": " + e.getClass().getSimpleName() + message;
  }
}
