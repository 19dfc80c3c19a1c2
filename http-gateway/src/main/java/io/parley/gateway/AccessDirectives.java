package io.parley.gateway;

import io.parley.auth.AuthFailure;
import io.parley.auth.Authentication;
import io.parley.auth.Identity;
import io.parley.auth.Permission;
import io.parley.auth.RoomAccess;
import io.parley.auth.Verification;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may do what over HTTP, before any route does it: the token (401 without a valid one), the
 * room's permission (403 without access), the page's origin (403 for an origin not allowed), and
 * CORS for the REST and SSE reads. Every refusal is a JSON error body.
 */
public final class AccessDirectives extends AllDirectives {

  /** How long a browser may cache a preflight answer. */
  private static final String PREFLIGHT_MAX_AGE_SECONDS = "600";

  private final Authentication authentication;
  private final HttpErrors errors;
  private final GatewayMetrics metrics;

  public AccessDirectives(Authentication authentication, HttpErrors errors, GatewayMetrics metrics) {
    this.authentication = authentication;
    this.errors = errors;
    this.metrics = metrics;
  }

  /**
   * Runs {@code inner} with the request's access to {@code roomId}; at least {@code read} is
   * needed. Without authentication ({@code parley.auth.mode = none}) every request has it all.
   */
  public Route authorized(String roomId, Function<RoomAccess, Route> inner) {
    if (!authentication.required()) {
      return inner.apply(RoomAccess.unauthenticated());
    }
    return verified(
        identity -> {
          Optional<Permission> permission = identity.rooms().forRoom(roomId);
          if (permission.isEmpty()) {
            metrics.authFailure("forbidden");
            return complete(
                errors.response(
                    StatusCodes.FORBIDDEN,
                    "forbidden",
                    "roomId",
                    "the token of user "
                        + identity.userId()
                        + " does not open room "
                        + roomId
                        + " (claim "
                        + authentication.settings().roomsClaim()
                        + ")"));
          }
          return inner.apply(RoomAccess.of(identity, permission.get()));
        });
  }

  /**
   * Runs {@code inner} once the request has a valid token, whichever rooms it opens: for what is
   * about no room in particular. Without authentication, at once.
   */
  public Route authenticated(Supplier<Route> inner) {
    return authentication.required() ? verified(identity -> inner.get()) : inner.get();
  }

  private Route verified(Function<Identity, Route> inner) {
    return extractRequest(
        request -> {
          RequestToken.Found found = RequestToken.in(request);
          if (found instanceof RequestToken.NoToken) {
            return unauthenticated(AuthFailure.MISSING_TOKEN, "a token is required: " + WHERE);
          }
          if (found instanceof RequestToken.Unusable unusable) {
            return unauthenticated(AuthFailure.MALFORMED_TOKEN, unusable.message());
          }
          Verification verification =
              authentication.verify(((RequestToken.Token) found).token());
          if (verification instanceof Verification.Invalid invalid) {
            return unauthenticated(invalid.reason(), invalid.message());
          }
          return inner.apply(((Verification.Valid) verification).identity());
        });
  }

  private static final String WHERE =
      "Authorization: Bearer <token>, the WebSocket subprotocol "
          + RequestToken.TOKEN_PROTOCOL_PREFIX
          + "<token> (with "
          + RequestToken.PROTOCOL
          + "), or ?"
          + RequestToken.QUERY_PARAMETER
          + "=<token>";

  /** RFC 6750: a 401 names the scheme, and the error when a token was there. */
  private Route unauthenticated(AuthFailure reason, String message) {
    metrics.authFailure(reason.wireName());
    String challenge =
        reason == AuthFailure.MISSING_TOKEN
            ? "Bearer realm=\"parley\""
            : "Bearer realm=\"parley\", error=\"invalid_token\"";
    return complete(
        errors.authResponse(
            reason == AuthFailure.KEYS_UNAVAILABLE
                ? StatusCodes.SERVICE_UNAVAILABLE
                : StatusCodes.UNAUTHORIZED,
            reason == AuthFailure.KEYS_UNAVAILABLE ? "unavailable" : "unauthenticated",
            reason.wireName(),
            message,
            List.of(HttpHeader.parse("WWW-Authenticate", challenge))));
  }

  /**
   * A WebSocket upgrade from a page of another origin than the allowed ones is refused: browsers
   * send cookies and connect from any page, and no CORS applies to WebSockets.
   */
  public Route allowedOrigin(Supplier<Route> inner) {
    return extractRequest(
        request -> originAllowed(request) ? inner.get() : complete(originRefused(request)));
  }

  /**
   * CORS for the reads: a preflight from an allowed origin is answered (GET with {@code
   * Authorization} and {@code Last-Event-ID}), an allowed origin's response names it in {@code
   * Access-Control-Allow-Origin}, and a request from another origin is refused with 403.
   */
  public Route cors(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          Optional<String> origin = header(request, "Origin");
          if (origin.isEmpty()) {
            return inner.get();
          }
          if (!originAllowed(request)) {
            return complete(originRefused(request));
          }
          List<HttpHeader> allow =
              List.of(
                  HttpHeader.parse("Access-Control-Allow-Origin", origin.get()),
                  HttpHeader.parse("Vary", "Origin"));
          boolean preflight =
              request.method().equals(HttpMethods.OPTIONS)
                  && header(request, "Access-Control-Request-Method").isPresent();
          if (preflight) {
            return complete(
                HttpResponse.create()
                    .withStatus(StatusCodes.NO_CONTENT)
                    .addHeaders(allow)
                    .addHeader(HttpHeader.parse("Access-Control-Allow-Methods", "GET, OPTIONS"))
                    .addHeader(
                        HttpHeader.parse(
                            "Access-Control-Allow-Headers", "Authorization, Last-Event-ID"))
                    .addHeader(HttpHeader.parse("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS)));
          }
          return respondWithHeaders(allow, inner);
        });
  }

  private boolean originAllowed(HttpRequest request) {
    return authentication
        .origins()
        .allows(header(request, "Origin"), header(request, "Host"));
  }

  private HttpResponse originRefused(HttpRequest request) {
    metrics.authFailure("origin_not_allowed");
    return errors.response(
        StatusCodes.FORBIDDEN,
        "origin_not_allowed",
        "Origin",
        "pages of "
            + header(request, "Origin").orElse("")
            + " may not use this server; its operator lists the allowed origins in"
            + " PARLEY_ALLOWED_ORIGINS");
  }

  private static Optional<String> header(HttpRequest request, String name) {
    return request.getHeader(name).map(HttpHeader::value);
  }
}
