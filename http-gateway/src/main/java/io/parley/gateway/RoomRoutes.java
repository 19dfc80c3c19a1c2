package io.parley.gateway;

import io.parley.auth.Authentication;
import io.parley.auth.RoomAccess;
import io.parley.limits.ConnectionLimiter;
import io.parley.protocol.FrameEncoder;
import io.parley.room.RoomCommand;
import io.parley.room.Rooms;
import io.parley.room.RoomState;
import io.parley.validation.FieldValidator;
import io.parley.validation.Violation;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The HTTP surface: the WebSocket endpoint and REST reads. Routes only translate. */
public final class RoomRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(RoomRoutes.class);

  private static final ContentType EVENT_STREAM =
      MediaTypes.TEXT_EVENT_STREAM.toContentType();

  private final Rooms rooms;
  private final WebSocketConnections connections;
  private final ConnectionLimiter limiter;
  private final EventStreams eventStreams;
  private final FieldValidator validator;
  private final FrameEncoder encoder;
  private final GatewaySettings settings;
  private final GatewayDrain drain;
  private final AccessDirectives access;
  private final Optional<DevelopmentTokenRoutes> developmentTokens;
  private final HttpErrors errors;
  private final GatewayMetrics metrics;

  public RoomRoutes(
      Rooms rooms,
      WebSocketConnections connections,
      ConnectionLimiter limiter,
      EventStreams eventStreams,
      FieldValidator validator,
      FrameEncoder encoder,
      GatewaySettings settings,
      GatewayDrain drain,
      Authentication authentication,
      GatewayMetrics metrics) {
    this.rooms = rooms;
    this.connections = connections;
    this.limiter = limiter;
    this.eventStreams = eventStreams;
    this.validator = validator;
    this.encoder = encoder;
    this.settings = settings;
    this.drain = drain;
    this.metrics = metrics;
    this.errors = new HttpErrors();
    this.access = new AccessDirectives(authentication, errors, metrics);
    this.developmentTokens =
        authentication
            .developmentTokens()
            .map(tokens -> new DevelopmentTokenRoutes(tokens, validator, errors));
  }

  /**
   * The routes of rooms (and development tokens). The node answers their refusals and failures
   * in the JSON shape of {@link HttpErrors} ({@link HttpErrorHandling} around every route of the
   * port).
   */
  public Route routes() {
    return optionalHeaderValueByName(
        "Raw-Request-URI",
        target ->
            target
                .flatMap(UnroutableRoomId::in)
                .map(
                    roomId ->
                        badRequest(
                            "roomId",
                            roomId.isEmpty()
                                ? "is required"
                                : "must not be . or ..: a room id starts with a letter or digit"))
                .orElseGet(
                    () ->
                        developmentTokens
                            .map(dev -> concat(access.cors(dev::routes), rooms()))
                            .orElseGet(this::rooms)));
  }

  private Route rooms() {
    return pathPrefix(
        "v1",
        () ->
            pathPrefix(
                "rooms",
                () ->
                    pathPrefix(
                        PathMatchers.segment(),
                        roomId ->
                            validRoom(
                                roomId,
                                () -> access.cors(() -> room(roomId))))));
  }

  /**
   * Every route of a room needs a token that opens it (when authentication is on); the origin
   * and CORS checks came before.
   */
  private Route room(String roomId) {
    return concat(
        path(
            "ws",
            () ->
                get(
                    () ->
                        unlessDraining(
                            () -> access.authorized(roomId, granted -> webSocket(roomId, granted))))),
        path(
            "events",
            () ->
                get(
                    () ->
                        unlessDraining(
                            () -> access.authorized(roomId, granted -> events(roomId, granted))))),
        path(
            "presence",
            () ->
                get(
                    () ->
                        access.authorized(
                            roomId, granted -> read(roomId, encoder::presenceDocument)))),
        pathEndOrSingleSlash(
            () ->
                get(
                    () ->
                        access.authorized(
                            roomId, granted -> read(roomId, encoder::snapshotDocument)))));
  }

  /**
   * A draining node takes no new streams: the client connects to another node (the listener is
   * already unbound; this answers requests on connections that were open before).
   */
  private Route unlessDraining(Supplier<Route> inner) {
    return drain.isDraining()
        ? error(
            StatusCodes.SERVICE_UNAVAILABLE,
            GatewayDrain.REASON,
            null,
            "this node is shutting down; connect again (to any node)")
        : inner.get();
  }

  private Route validRoom(String roomId, Supplier<Route> inner) {
    Optional<Violation> invalid = validator.id("roomId", roomId);
    return invalid.isPresent() ? badRequest("roomId", invalid.get().message()) : inner.get();
  }

  /**
   * The connection is only built once the request is known to be a WebSocket upgrade and its
   * address is within the connection limits.
   */
  private Route webSocket(String roomId, RoomAccess granted) {
    return extractWebSocketUpgrade(
        upgrade ->
            extractRequest(
                request -> {
                  boolean offersProtocol = RequestToken.offersProtocol(request);
                  if (!offersProtocol && upgrade.getRequestedProtocols().iterator().hasNext()) {
                    return badRequest(
                        "Sec-WebSocket-Protocol",
                        "offer the subprotocol "
                            + RequestToken.PROTOCOL
                            + " (next to "
                            + RequestToken.TOKEN_PROTOCOL_PREFIX
                            + "<token>, if the token is sent that way)");
                  }
                  String address =
                      request
                          .getAttribute(AttributeKeys.remoteAddress)
                          .flatMap(RemoteAddress::getAddress)
                          .map(InetAddress::getHostAddress)
                          .orElse("unknown");
                  ConnectionLimiter.Admission admission = limiter.admit(address);
                  if (admission.lease().isEmpty()) {
                    metrics.connectionRefused();
                    refusedLog(roomId, address, admission.refusal().orElse("connection limit"));
                    return error(
                        StatusCodes.TOO_MANY_REQUESTS,
                        "too_many_connections",
                        "address",
                        admission.refusal().orElse("connection limit"));
                  }
                  return onComplete(
                      connections.connect(
                          upgrade,
                          offersProtocol ? Optional.of(RequestToken.PROTOCOL) : Optional.empty(),
                          roomId,
                          admission.lease().get(),
                          granted),
                      response ->
                          response.isSuccess()
                              ? complete(response.get())
                              : error(
                                  StatusCodes.SERVICE_UNAVAILABLE,
                                  "unavailable",
                                  null,
                                  "the node could not start the connection; retry"));
                }));
  }

  /**
   * Server-sent events; {@code Last-Event-ID} (the last version seen) resumes exactly. The stream
   * ends when the token expires: the client opens a new one with a new token, resuming.
   */
  private Route events(String roomId, RoomAccess granted) {
    return optionalHeaderValueByName(
        "Last-Event-ID",
        lastEventId -> {
          Optional<Long> resumeFrom;
          try {
            resumeFrom = lastEventId.map(Long::parseLong).filter(version -> version >= 0);
          } catch (NumberFormatException e) {
            resumeFrom = Optional.empty();
          }
          if (lastEventId.isPresent() && resumeFrom.isEmpty()) {
            return badRequest("Last-Event-ID", "must be the last version received (an integer ≥ 0)");
          }
          return complete(
              HttpResponse.create()
                  .addHeader(HttpHeader.parse("Cache-Control", "no-cache"))
                  // the server closes the connection itself once the stream ends (a drain), so
                  // the end of the body reaches the reader before the node stops
                  .addHeader(HttpHeader.parse("Connection", "close"))
                  .withEntity(
                      HttpEntities.createChunked(
                          EVENT_STREAM,
                          counted(untilExpiry(eventStreams.stream(roomId, resumeFrom), granted))
                              .via(drain.eventStream()))));
        });
  }

  /** An SSE stream counts as open from its first pull (the response is sent) until it ends. */
  private <T> Source<T, NotUsed> counted(Source<T, NotUsed> stream) {
    return stream.watchTermination(
        (notUsed, done) -> {
          metrics.sseStreamOpened();
          done.whenComplete((ok, failure) -> metrics.sseStreamClosed());
          return notUsed;
        });
  }

  private <T> Source<T, NotUsed> untilExpiry(
      Source<T, NotUsed> stream,
      RoomAccess granted) {
    return granted
        .expiresAt()
        .map(at -> Duration.between(Instant.now(), at))
        .map(left -> stream.takeWithin(left.isNegative() ? Duration.ZERO : left))
        .orElse(stream);
  }

  /** A limit hit by one request: DEBUG, a flood must not flood the log (the meters count it). */
  private static void refusedLog(String roomId, String address, String refusal) {
    if (log.isDebugEnabled()) {
      try (MDC.MDCCloseable room = MDC.putCloseable("roomId", roomId)) {
        log.debug("refused a WebSocket from {}: {}", address, refusal);
      }
    }
  }

  private Route badRequest(String field, String message) {
    return error(StatusCodes.BAD_REQUEST, "invalid_field", field, message);
  }

  private Route error(StatusCode status, String code, String field, String message) {
    return complete(errors.response(status, code, field, message));
  }

  private Route read(String roomId, BiFunction<String, RoomState, String> view) {
    return onSuccess(
        rooms
            .room(roomId)
            .<RoomState>ask(RoomCommand.GetSnapshot::new, settings.commandTimeout()),
        state ->
            complete(
                HttpResponse.create()
                    .withEntity(
                        HttpEntities.create(
                            ContentTypes.APPLICATION_JSON, view.apply(roomId, state)))));
  }
}
