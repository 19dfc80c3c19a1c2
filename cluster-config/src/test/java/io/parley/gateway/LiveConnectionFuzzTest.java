package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.DecodeResult;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.FrameDecoder;
import io.parley.protocol.FrameDecoderProperties.Frames;
import io.parley.node.ParleyServer;
import io.parley.testing.TestClient;
import io.parley.testing.TestServers;
import io.parley.validation.FieldLimits;
import io.parley.validation.FieldValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A hostile client against a real server: it joins and then sends a few hundred random and
 * mutated frames (generated once, from a fixed seed, by the generators of {@code
 * FrameDecoderProperties}), while a well-behaved client in the same room keeps changing state.
 * The hostile client only ever gets well-formed answers, the server keeps serving everyone, and
 * nothing escapes as an error.
 *
 * <p>Another seed or more frames: {@code -Dparley.fuzz.seed=… -Dparley.fuzz.frames=…}.
 */
class LiveConnectionFuzzTest {

  private static final String SEED = System.getProperty("parley.fuzz.seed", "20261122");
  private static final int FRAMES = Integer.getInteger("parley.fuzz.frames", 400);
  /** Low enough that the hostile client is closed for it a few times, and reconnects. */
  private static final int INVALID_FRAMES_MAX = 40;
  private static final int MIN_GOOD_COMMANDS = 40;
  private static final int GOOD_WINDOW = 4;
  /** {@code parley.gateway.max-frame-size}, left at its default here. */
  private static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

  private static final Set<String> SERVER_FRAME_TYPES =
      Set.of("welcome", "event", "ack", "reject", "error", "pong", "cursors");
  /** The errors a joined client can provoke with what it sends. */
  private static final Set<String> PROVOKED_ERRORS =
      Set.of("bad_frame", "unknown_type", "invalid_field", "protocol_order", "policy_violation");
  private static final Set<String> REJECT_CODES =
      Set.of("validation", "conflict", "not_member", "timeout", "overloaded", "rate_limited");

  private static final FrameDecoder DECODER =
      new FrameDecoder(
          new FieldValidator(FieldLimits.fromConfig(ConfigFactory.load().getConfig("parley.limits"))));

  /** What the hostile client sends: a text frame, a binary frame, or a text frame in fragments. */
  private record Hostile(String text, byte[] binary, List<String> fragments) {

    static Hostile ofText(String text) {
      return new Hostile(text, null, null);
    }

    void sendTo(TestClient client) {
      if (binary != null) {
        client.sendBinary(binary);
      } else if (fragments != null) {
        for (int i = 0; i < fragments.size(); i++) {
          client.sendPartialText(fragments.get(i), i == fragments.size() - 1);
        }
      } else {
        client.sendText(text);
      }
    }

    /** Whether the server will take this frame as a {@code leave} and close the connection. */
    boolean isLeave() {
      if (binary != null) {
        return false;
      }
      String whole = fragments != null ? String.join("", fragments) : text;
      if (whole.getBytes(StandardCharsets.UTF_8).length > DEFAULT_MAX_FRAME_BYTES) {
        return false;
      }
      DecodeResult result = DECODER.decode(whole);
      return result instanceof DecodeResult.Decoded decoded
          && decoded.frame() instanceof ClientFrame.Leave;
    }

    @Override
    public String toString() {
      if (binary != null) {
        return "binary(" + binary.length + " bytes)";
      }
      String whole = fragments != null ? "fragments" + fragments : text;
      return whole.length() <= 300 ? whole : whole.substring(0, 300) + "…(" + whole.length() + " chars)";
    }
  }

  /** One connection of the hostile user and what it sent. */
  private static final class HostileConnection {
    final TestClient client;
    final List<Hostile> sent = new ArrayList<>();
    boolean leaveSent;

    HostileConnection(TestClient client) {
      this.client = client;
    }
  }

  @Test
  void aHostileClientGetsOnlyWellFormedAnswersAndCannotHurtTheRoomOrTheServer(@TempDir Path dataDir)
      throws Exception {
    List<Hostile> frames = hostileFrames();
    ListAppender<ILoggingEvent> logged = captureWarningsAndErrors();
    ParleyServer server =
        TestServers.start(
            dataDir,
            Map.of(
                "parley.limits.rates.commands.burst", 1_000_000,
                "parley.limits.invalid-frames.max", INVALID_FRAMES_MAX,
                "parley.limits.connections.new-per-address", 10_000,
                "parley.limits.connections.per-user", 1_000));
    String room = "fuzz";
    int port = server.port();
    List<HostileConnection> hostiles = new ArrayList<>();
    try (TestClient good = TestClient.join(port, room, "good", "Good")) {
      AtomicBoolean hostileDone = new AtomicBoolean();
      CompletableFuture<List<String>> goodRun =
          CompletableFuture.supplyAsync(() -> keepChangingState(good, hostileDone));

      try {
        sendAll(frames, port, room, hostiles);
      } finally {
        hostileDone.set(true);
      }
      List<String> goodIds = goodRun.get(60, TimeUnit.SECONDS);

      // the room and the server still serve: a newcomer joins, the good client goes on
      try (TestClient fresh = TestClient.join(port, room, "fresh", "Fresh")) {
        JsonNode members = fresh.received().get(0).path("snapshot").path("members");
        assertThat(members.findValuesAsText("userId")).contains("good", "fresh");
        good.send(json("type", "set", "id", "g-last", "key", "good:last", "value", "done"));
        JsonNode lastAck = good.expectAnswer("g-last");
        assertThat(lastAck.path("type").asText()).as(lastAck.toString()).isEqualTo("ack");
        long last = lastAck.path("version").asLong();
        JsonNode seen =
            fresh.expect(
                f -> "event".equals(f.path("type").asText()) && f.path("version").asLong() == last,
                "the event of g-last");
        assertThat(seen.path("id").asText()).isEqualTo("g-last");
        List<String> allGoodIds = new ArrayList<>(goodIds);
        allGoodIds.add("g-last");
        assertGoodClientServed(good, allGoodIds, last);
      }

      for (HostileConnection connection : hostiles) {
        assertOnlyWellFormedAnswers(connection);
      }
      assertThat(errorsIn(logged)).as("errors logged by the server").isEmpty();
      report(frames, hostiles, goodIds, logged);
    } finally {
      hostiles.forEach(h -> h.client.close());
      stopCapturing(logged);
      server.stop().toCompletableFuture().join();
    }
  }

  /**
   * Sends every frame as the hostile user, joining again whenever the server closed the
   * connection (a {@code leave} among the frames, or too many invalid ones), then makes sure the
   * server has read them all.
   */
  private static void sendAll(List<Hostile> frames, int port, String room, List<HostileConnection> hostiles) {
    HostileConnection current = joinHostile(port, room, hostiles);
    for (Hostile frame : frames) {
      if (current.client.isClosed()) {
        current = joinHostile(port, room, hostiles);
      }
      current.sent.add(frame);
      try {
        frame.sendTo(current.client);
      } catch (CompletionException closedMeanwhile) {
        assertThat(current.client.awaitClosed()).as("close after a failed send").isNotZero();
        continue;
      }
      if (frame.isLeave()) {
        current.leaveSent = true;
        current.client.awaitClosed();
      }
    }
    // one last frame the server must answer, so everything before it has been read; the
    // connection may be closing for a policy violation whose close has not arrived yet
    while (true) {
      if (current.client.isClosed()) {
        current = joinHostile(port, room, hostiles);
      }
      current.client.send(json("type", "ping", "id", "hostile-done"));
      JsonNode last =
          current.client.expect(
              f -> "hostile-done".equals(f.path("id").asText()) || isPolicyViolation(f),
              "the last pong or a policy_violation");
      if ("pong".equals(last.path("type").asText())) {
        return;
      }
      current.client.awaitClosed();
    }
  }

  /** The hostile frames, the same for a given seed: generated once, then sent in order. */
  private static List<Hostile> hostileFrames() {
    List<Hostile> frames = new ArrayList<>(FRAMES);
    JqwikSession.run(
        () -> {
          Random random = new Random(Long.parseLong(SEED));
          RandomGenerator<String> generator = Frames.hostile().generator(1000);
          for (int i = 0; i < FRAMES; i++) {
            // a client can only send well-formed UTF-16 text (escapes like \ud800 stay)
            String text = Frames.sendable(generator.next(random).value());
            frames.add(i % 50 == 49 ? special(i / 50, text, random) : Hostile.ofText(text));
          }
        });
    return frames;
  }

  /** Now and then a frame no JSON generator makes: too large, binary, or in fragments. */
  private static Hostile special(int n, String text, Random random) {
    switch (n % 4) {
      case 0:
        return Hostile.ofText("{\"type\":\"chat\",\"id\":\"big\",\"text\":\"" + "x".repeat(70_000) + "\"}");
      case 1: {
        byte[] data = new byte[1 + random.nextInt(2000)];
        random.nextBytes(data);
        return new Hostile(null, data, null);
      }
      case 2: {
        List<String> parts = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
          int end = Math.min(text.length(), at + 1 + random.nextInt(40));
          if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end++;
          }
          parts.add(text.substring(at, end));
          at = end;
        }
        if (parts.isEmpty()) {
          parts.add("");
        }
        return new Hostile(null, null, parts);
      }
      default:
        return new Hostile(null, null, List.of("{\"type\":\"ping\",\"pad\":\"", "y".repeat(70_000), "\"}"));
    }
  }

  private static HostileConnection joinHostile(int port, String room, List<HostileConnection> all) {
    HostileConnection connection =
        new HostileConnection(TestClient.join(port, room, "mallory", "Mallory"));
    all.add(connection);
    return connection;
  }

  /**
   * The good client's loop: windows of a few {@code set} commands sent at once, each window's
   * answers awaited, until the hostile client is done. Returns the command ids in sending order.
   */
  private static List<String> keepChangingState(TestClient good, AtomicBoolean hostileDone) {
    List<String> ids = new ArrayList<>();
    while (!hostileDone.get() || ids.size() < MIN_GOOD_COMMANDS) {
      List<String> window = new ArrayList<>();
      for (int i = 0; i < GOOD_WINDOW; i++) {
        String id = "g" + ids.size();
        ids.add(id);
        window.add(id);
        good.send(json("type", "set", "id", id, "key", "good:" + (ids.size() % 7), "value", Map.of("n", ids.size())));
      }
      for (String id : window) {
        JsonNode answer = good.expectAnswer(id);
        assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("ack");
      }
    }
    return ids;
  }

  /**
   * Every command acked, in the order sent, each after its own event; the events the good client
   * saw are every version from its welcome to the last, once each, in order.
   */
  private static void assertGoodClientServed(TestClient good, List<String> ids, long lastVersion) {
    List<JsonNode> received = good.received();
    assertThat(received).allSatisfy(f -> assertThat(SERVER_FRAME_TYPES).contains(f.path("type").asText()));
    assertThat(received.get(0).path("type").asText()).isEqualTo("welcome");
    long welcomeVersion = received.get(0).path("version").asLong();

    List<JsonNode> answers =
        received.stream()
            .filter(f -> Set.of("ack", "reject").contains(f.path("type").asText()))
            .toList();
    assertThat(answers).allSatisfy(a -> assertThat(a.path("type").asText()).as(a.toString()).isEqualTo("ack"));
    assertThat(answers.stream().map(a -> a.path("id").asText()).toList()).isEqualTo(ids);
    long previous = 0;
    for (JsonNode ack : answers) {
      assertThat(ack.path("version").asLong()).as("versions of the acks").isGreaterThan(previous);
      previous = ack.path("version").asLong();
    }

    List<JsonNode> events =
        received.stream()
            .filter(f -> "event".equals(f.path("type").asText()))
            .takeWhile(f -> f.path("version").asLong() <= lastVersion)
            .toList();
    List<Long> versions = events.stream().map(e -> e.path("version").asLong()).toList();
    assertThat(versions).as("versions seen by the good client").isNotEmpty();
    assertThat(versions.get(0)).isEqualTo(welcomeVersion + 1);
    for (int i = 1; i < versions.size(); i++) {
      assertThat(versions.get(i)).as("the version after " + versions.get(i - 1)).isEqualTo(versions.get(i - 1) + 1);
    }
    assertThat(versions.get(versions.size() - 1)).isEqualTo(lastVersion);

    for (JsonNode ack : answers) {
      int ackAt = indexOf(received, ack);
      JsonNode event =
          events.stream()
              .filter(e -> e.path("version").asLong() == ack.path("version").asLong())
              .findFirst()
              .orElseThrow();
      assertThat(event.path("id").asText()).isEqualTo(ack.path("id").asText());
      assertThat(event.path("userId").asText()).isEqualTo("good");
      assertThat(indexOf(received, event)).as("the event of " + ack + " comes before it").isLessThan(ackAt);
    }
  }

  private static int indexOf(List<JsonNode> frames, JsonNode frame) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i) == frame) {
        return i;
      }
    }
    throw new AssertionError(frame + " not found");
  }

  /**
   * Whatever it sent, the hostile connection got well-formed server frames only, and was closed
   * only for a leave it sent or after a {@code policy_violation} error.
   */
  private static void assertOnlyWellFormedAnswers(HostileConnection connection) {
    List<JsonNode> received = connection.client.received();
    String context = "sent " + connection.sent + "\nreceived " + received;
    assertThat(received).as(context).isNotEmpty();
    assertThat(received.get(0).path("type").asText()).isEqualTo("welcome");
    for (int i = 0; i < received.size(); i++) {
      JsonNode frame = received.get(i);
      String type = frame.path("type").asText();
      assertThat(SERVER_FRAME_TYPES).as("type of %s; %s", frame, context).contains(type);
      if (i > 0) {
        assertThat(type).as("a second welcome: %s", frame).isNotEqualTo("welcome");
      }
      switch (type) {
        case "error" -> {
          assertThat(PROVOKED_ERRORS).as("error %s; %s", frame, context).contains(frame.path("code").asText());
          assertThat(frame.path("message").asText()).as(frame.toString()).isNotBlank();
          if (frame.has("id")) { // echoed as sent when valid (even empty), else shortened
            assertThat(frame.path("id").asText().length()).as(frame.toString()).isLessThanOrEqualTo(64);
          }
          if (isPolicyViolation(frame)) {
            assertThat(i).as("nothing after policy_violation: %s", context).isEqualTo(received.size() - 1);
          }
        }
        case "ack" -> {
          assertThat(frame.path("id").asText()).isNotBlank();
          assertThat(frame.path("version").asLong()).isPositive();
        }
        case "reject" -> {
          assertThat(frame.path("id").asText()).isNotBlank();
          assertThat(REJECT_CODES).as(frame.toString()).contains(frame.path("code").asText());
          assertThat(frame.path("message").asText()).isNotBlank();
        }
        case "event" -> {
          assertThat(frame.path("version").asLong()).isPositive();
          assertThat(frame.path("kind").asText()).isNotBlank();
        }
        default -> {}
      }
    }
    boolean policyClosed = received.stream().anyMatch(LiveConnectionFuzzTest::isPolicyViolation);
    if (policyClosed || connection.leaveSent) {
      // policy_violation, or a normal close after leave
      assertThat(connection.client.awaitClosed()).as(context).isEqualTo(policyClosed ? 4001 : 1000);
    } else {
      assertThat(connection.client.isClosed()).as("closed without a reason: %s", context).isFalse();
    }
  }

  private static boolean isPolicyViolation(JsonNode frame) {
    return "error".equals(frame.path("type").asText())
        && ErrorCode.POLICY_VIOLATION.wireName().equals(frame.path("code").asText());
  }

  private static void report(
      List<Hostile> frames,
      List<HostileConnection> hostiles,
      List<String> goodIds,
      ListAppender<ILoggingEvent> logged) {
    Map<String, Long> answers =
        hostiles.stream()
            .flatMap(h -> h.client.received().stream())
            .map(f -> f.path("type").asText() + (f.has("code") ? ":" + f.path("code").asText() : ""))
            .collect(Collectors.groupingBy(t -> t, TreeMap::new, Collectors.counting()));
    System.out.printf(
        "LiveConnectionFuzzTest seed %s: %d hostile frames on %d connections (%d closed by policy,"
            + " %d by leave); answers %s; %d good commands acked; %d warnings logged%n",
        SEED,
        frames.size(),
        hostiles.size(),
        hostiles.stream()
            .filter(h -> h.client.received().stream().anyMatch(LiveConnectionFuzzTest::isPolicyViolation))
            .count(),
        hostiles.stream().filter(h -> h.leaveSent).count(),
        answers,
        goodIds.size(),
        warningsIn(logged));
  }

  private static ListAppender<ILoggingEvent> captureWarningsAndErrors() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    rootLogger().addAppender(appender);
    return appender;
  }

  private static void stopCapturing(ListAppender<ILoggingEvent> appender) {
    rootLogger().detachAppender(appender);
    appender.stop();
  }

  private static int warningsIn(ListAppender<ILoggingEvent> appender) {
    synchronized (appender) {
      return appender.list.size();
    }
  }

  private static List<String> errorsIn(ListAppender<ILoggingEvent> appender) {
    synchronized (appender) { // appends hold the appender's lock
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName()
                  + ": " + e.getThrowableProxy().getMessage()
                  + Arrays.toString(e.getThrowableProxy().getStackTraceElementProxyArray())))
          .toList();
    }
  }

  private static Logger rootLogger() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
