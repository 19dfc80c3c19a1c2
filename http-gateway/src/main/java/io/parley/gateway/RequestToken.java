package io.parley.gateway;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Where a request's token is: an {@code Authorization: Bearer} header (what servers and native
 * clients use), a WebSocket subprotocol {@code parley.auth.<token>} next to {@code parley.v1}
 * (browsers cannot set headers on a WebSocket, and a subprotocol stays out of URLs and so out of
 * access logs), or the {@code access_token} query parameter (works everywhere, EventSource
 * included, but URLs end up in proxies' logs). The first found, in that order, is used.
 */
public final class RequestToken {

  /** The subprotocol a client offers (and the server selects) next to its token. */
  public static final String PROTOCOL = "parley.v1";

  /** Prefix of the subprotocol that carries a token. */
  public static final String TOKEN_PROTOCOL_PREFIX = "parley.auth.";

  public static final String QUERY_PARAMETER = "access_token";

  private RequestToken() {}

  /** What the request holds. */
  public sealed interface Found {}

  public record Token(String token) implements Found {
    /** Never the token itself. */
    @Override
    public String toString() {
      return "Token[(hidden)]";
    }
  }

  public record NoToken() implements Found {}

  /** Something that should have been a token but is not usable: say what. */
  public record Unusable(String message) implements Found {}

  public static Found in(HttpRequest request) {
    Optional<HttpHeader> authorization = request.getHeader("Authorization");
    if (authorization.isPresent()) {
      return bearer(authorization.get().value())
          .<Found>map(Token::new)
          .orElseGet(() -> new Unusable("the Authorization header must be: Bearer <token>"));
    }
    Optional<String> offered = subprotocolToken(request);
    if (offered.isPresent()) {
      return offered.get().isEmpty()
          ? new Unusable("the subprotocol " + TOKEN_PROTOCOL_PREFIX + " carries no token")
          : new Token(offered.get());
    }
    Optional<String> query = request.getUri().query().get(QUERY_PARAMETER);
    if (query.isPresent()) {
      return query.get().isBlank()
          ? new Unusable("the " + QUERY_PARAMETER + " parameter is empty")
          : new Token(query.get());
    }
    return new NoToken();
  }

  /** The token of an {@code Authorization} header value {@code Bearer <token>}, if it is one. */
  public static Optional<String> bearer(String authorization) {
    String value = authorization.trim();
    return value.regionMatches(true, 0, "Bearer ", 0, 7) && !value.substring(7).isBlank()
        ? Optional.of(value.substring(7).trim())
        : Optional.empty();
  }

  /** Whether the client offered {@link #PROTOCOL}, the one the server then selects. */
  public static boolean offersProtocol(HttpRequest request) {
    return offered(request).anyMatch(PROTOCOL::equals);
  }

  private static Optional<String> subprotocolToken(HttpRequest request) {
    return offered(request)
        .filter(protocol -> protocol.toLowerCase(Locale.ROOT).startsWith(TOKEN_PROTOCOL_PREFIX))
        .map(protocol -> protocol.substring(TOKEN_PROTOCOL_PREFIX.length()))
        .findFirst();
  }

  private static java.util.stream.Stream<String> offered(HttpRequest request) {
    return request
        .getHeader("Sec-WebSocket-Protocol")
        .stream()
        .flatMap(header -> Arrays.stream(header.value().split(",")))
        .map(String::trim)
        .filter(protocol -> !protocol.isEmpty());
  }
}
