package io.parley.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.auth.AuthFailure;
import io.parley.metrics.ParleyMetrics;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.DecodeResult;
import io.parley.protocol.ErrorCode;
import io.parley.room.RejectCode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * The meters of a node's gateway: connections and streams open, frames in and out, answers,
 * errors, refusals (names and meaning: docs/OPERATIONS.md). The series of every known frame
 * type, code and reason exist from the start, at zero. Made once per node ({@link
 * ParleyMetrics#meters}).
 */
public final class GatewayMetrics {

  /** The frame types a server sends (docs/PROTOCOL.md); others count as they come. */
  private static final List<String> SERVER_FRAMES =
      List.of(
          "welcome", "event", "ack", "reject", "error", "cursors", "pong", "reconnect",
          "token_expiring", "refreshed");

  private static final List<String> CLIENT_FRAMES =
      List.of(
          "hello", "change", "ready", "focus", "chat", "kick", "close_room", "cursor", "ping",
          "leave", "refresh", "invalid");

  /** Command answers: from a millisecond to the command timeout and beyond. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final AtomicLong connectionsOpen = new AtomicLong();
  private final AtomicLong sseStreamsOpen = new AtomicLong();
  private final Counter connectionsOpened;
  private final Counter connectionsRefused;
  private final Counter slowConsumers;
  private final Counter acks;
  private final Timer ackLatency;
  private final Map<String, Counter> framesIn = new ConcurrentHashMap<>();
  /** The counter of each kind of client frame, so that a frame costs no name making. */
  private final Map<Class<?>, Counter> framesInByClass = new ConcurrentHashMap<>();
  private final Counter invalidFramesIn;
  private final Map<String, Counter> framesOut = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejects = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> httpErrors = new ConcurrentHashMap<>();

  private GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("parley.connections.open", connectionsOpen, AtomicLong::get)
        .description("WebSocket connections open on this node")
        .strongReference(true)
        .register(registry);
    Gauge.builder("parley.sse.streams.open", sseStreamsOpen, AtomicLong::get)
        .description("Server-sent event streams open on this node")
        .strongReference(true)
        .register(registry);
    connectionsOpened =
        Counter.builder("parley.connections.opened")
            .description("WebSocket connections accepted (upgraded) by this node")
            .register(registry);
    connectionsRefused =
        Counter.builder("parley.connections.refused")
            .description(
                "WebSocket upgrades refused with 429 too_many_connections (per-address limits)")
            .register(registry);
    slowConsumers =
        Counter.builder("parley.slow.consumer.disconnects")
            .description(
                "Connections closed because their client did not read fast enough (slow_consumer)")
            .register(registry);
    acks =
        Counter.builder("parley.acks")
            .description("Commands acknowledged (ack frames sent)")
            .register(registry);
    ackLatency =
        Timer.builder("parley.ack.latency")
            .description(
                "Time from a command sent to its room to its answer (ack or reject) at the connection")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    CLIENT_FRAMES.forEach(this::frameInCounter);
    invalidFramesIn = frameInCounter("invalid");
    SERVER_FRAMES.forEach(this::frameOutCounter);
    for (RejectCode code : RejectCode.values()) {
      rejectCounter(code.wireName());
    }
    for (ErrorCode code : ErrorCode.values()) {
      errorCounter(code.wireName());
    }
    for (AuthFailure reason : AuthFailure.values()) {
      authFailureCounter(reason.wireName());
    }
    authFailureCounter("forbidden");
    authFailureCounter("origin_not_allowed");
    for (int status : new int[] {400, 401, 403, 404, 405, 429, 500, 503}) {
      httpErrorCounter(status);
    }
  }

  /** The node's gateway meters. */
  public static GatewayMetrics of(ClassicActorSystemProvider system) {
    return ParleyMetrics.get(system).meters(GatewayMetrics.class, GatewayMetrics::new);
  }

  /** Meters nobody reads (tests of parts made without a node). */
  public static GatewayMetrics unregistered() {
    return new GatewayMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  // ---- connections and streams

  void connectionOpened() {
    connectionsOpened.increment();
    connectionsOpen.incrementAndGet();
  }

  void connectionClosed() {
    connectionsOpen.decrementAndGet();
  }

  void connectionRefused() {
    connectionsRefused.increment();
  }

  void sseStreamOpened() {
    sseStreamsOpen.incrementAndGet();
  }

  void sseStreamClosed() {
    sseStreamsOpen.decrementAndGet();
  }

  void slowConsumer() {
    slowConsumers.increment();
  }

  void answered(long nanos) {
    ackLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  // ---- frames

  /** Counts a frame a client sent, by type ({@code invalid}: refused by the decoder). */
  DecodeResult frameIn(DecodeResult result) {
    if (result instanceof DecodeResult.Decoded decoded) {
      framesInByClass
          .computeIfAbsent(decoded.frame().getClass(), c -> frameInCounter(typeOf(result)))
          .increment();
    } else {
      invalidFramesIn.increment();
    }
    return result;
  }

  /**
   * Counts a frame written to a client, by type; acks, and rejects and errors by code. Every
   * server frame starts with its type ({@code {"type":"…"}}, see {@code FrameEncoder}).
   */
  String frameOut(String frame) {
    String type = stringField(frame, TYPE);
    frameOutCounter(type).increment();
    switch (type) {
      case "ack" -> acks.increment();
      case "reject" -> rejectCounter(stringField(frame, CODE)).increment();
      case "error" -> errorCounter(stringField(frame, CODE)).increment();
      default -> {}
    }
    return frame;
  }

  private static final String TYPE = key("type");
  private static final String CODE = key("code");

  /** How a top-level string field starts in the encoder's JSON: {@code "name":"}. */
  static String key(String name) {
    return "\"" + name + "\":\"";
  }

  static String typeOf(DecodeResult result) {
    if (!(result instanceof DecodeResult.Decoded decoded)) {
      return "invalid";
    }
    ClientFrame frame = decoded.frame();
    if (frame instanceof ClientFrame.ChangeKeys) {
      return "change";
    }
    // CloseRoom: close_room, as on the wire
    return frame
        .getClass()
        .getSimpleName()
        .replaceAll("([a-z])([A-Z])", "$1_$2")
        .toLowerCase(Locale.ROOT);
  }

  /**
   * The value of a top-level string field of a frame the server wrote, whose {@link #key} is
   * {@code key}: a word of lower-case letters and underscores (types and codes), else {@code
   * other}. The type is the first field of every frame, a code comes before any text.
   */
  static String stringField(String frame, String key) {
    int start = frame.indexOf(key);
    if (start < 0) {
      return "other";
    }
    start += key.length();
    int end = start;
    while (end < frame.length() && end - start <= 32) {
      char c = frame.charAt(end);
      if (c == '"') {
        return end == start ? "other" : frame.substring(start, end);
      }
      if (!((c >= 'a' && c <= 'z') || c == '_')) {
        return "other";
      }
      end++;
    }
    return "other";
  }

  // ---- refusals over HTTP

  /** A request refused for its token, its room or its origin ({@code AccessDirectives}). */
  void authFailure(String reason) {
    authFailureCounter(reason).increment();
  }

  /** An HTTP answer of status 400 or more on the gateway's port. */
  public void httpError(int status) {
    httpErrorCounter(status).increment();
  }

  // ---- the series

  private Counter frameInCounter(String type) {
    return tagged(
        framesIn,
        "parley.frames.in",
        "Frames received from clients, by type (invalid: refused by the decoder)",
        "type",
        type);
  }

  private Counter frameOutCounter(String type) {
    return tagged(framesOut, "parley.frames.out", "Frames written to clients, by type", "type", type);
  }

  private Counter rejectCounter(String code) {
    return tagged(
        rejects, "parley.rejects", "Commands rejected (reject frames sent), by code", "code", code);
  }

  private Counter errorCounter(String code) {
    return tagged(errors, "parley.errors", "Error frames sent to clients, by code", "code", code);
  }

  private Counter authFailureCounter(String reason) {
    return tagged(
        authFailures,
        "parley.auth.failures",
        "Requests refused before the upgrade or read: 401/503 by token check (reason),"
            + " 403 forbidden (room not in the token) or origin_not_allowed",
        "reason",
        reason);
  }

  /** The counter {@code name} with one tag, registered once per value and kept in {@code cache}. */
  private Counter tagged(
      Map<String, Counter> cache, String name, String description, String tag, String value) {
    return cache.computeIfAbsent(
        value,
        v -> Counter.builder(name).description(description).tag(tag, v).register(registry));
  }

  private Counter httpErrorCounter(int status) {
    return httpErrors.computeIfAbsent(
        status,
        s ->
            Counter.builder("parley.http.errors")
                .description("HTTP answers with an error status on the gateway's port, by status")
                .tag("status", Integer.toString(s))
                .register(registry));
  }
}
