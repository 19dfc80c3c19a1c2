package io.parley.node;

import com.typesafe.config.Config;
import io.parley.auth.Authentication;
import io.parley.auth.Identity;
import io.parley.auth.Permission;
import io.parley.auth.Verification;
import io.parley.gateway.HttpErrors;
import io.parley.gateway.RequestToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may use the operator routes of the management port: whoever presents the operator
 * credential ({@code parley.management.operator-token}, as {@code Authorization: Bearer
 * <token>}); for the routes about one room, also a user whose token gives {@code admin} in that
 * room. Without a configured operator token the routes are open in development (the management
 * port listens on loopback) and closed in production. Tokens are compared, never logged.
 */
public final class OperatorCredential {

  /** Who acted, for the log, when the operator credential (or none, in development) let it. */
  public static final String OPERATOR = "operator";

  private static final HttpErrors ERRORS = new HttpErrors();

  private final Optional<byte[]> operatorToken;
  private final boolean production;

  OperatorCredential(Optional<String> operatorToken, boolean production) {
    this.operatorToken = operatorToken.map(token -> token.getBytes(StandardCharsets.UTF_8));
    this.production = production;
  }

  /** From the {@code parley} section of the node's configuration. */
  public static OperatorCredential fromConfig(Config parley) {
    String token = parley.getString("management.operator-token");
    return new OperatorCredential(
        token.isBlank() ? Optional.empty() : Optional.of(token),
        parley.getString("mode").equals("production"));
  }

  /** {@code inner} for the operator; 401 (or 403 in production without a token) for others. */
  public Route operator(Supplier<Route> inner) {
    if (operatorToken.isEmpty()) {
      return production
          ? error(
              StatusCodes.FORBIDDEN,
              "forbidden",
              "operator routes need PARLEY_OPERATOR_TOKEN to be set on the node")
          : inner.get();
    }
    return Directives.optionalHeaderValueByName(
        "Authorization",
        authorization ->
            authorization.flatMap(RequestToken::bearer).filter(this::isOperatorToken).isPresent()
                ? inner.get()
                : error(
                    StatusCodes.UNAUTHORIZED,
                    "unauthenticated",
                    "operator routes need Authorization: Bearer <operator token>"));
  }

  /**
   * {@code inner}, given who acts ({@link #OPERATOR} or {@code user <id>}), for the operator or
   * for a user whose verified token gives {@code admin} in {@code roomId} (403 for a valid token
   * that does not). Any other request is answered as {@link #operator} answers it.
   */
  public Route roomAdmin(
      String roomId, Optional<Authentication> authentication, Function<String, Route> inner) {
    return Directives.optionalHeaderValueByName(
        "Authorization",
        authorization -> {
          Optional<String> presented = authorization.flatMap(RequestToken::bearer);
          if (presented.isPresent()
              && !presented.filter(this::isOperatorToken).isPresent()
              && authentication.isPresent()
              && authentication.get().required()
              && authentication.get().verify(presented.get())
                  instanceof Verification.Valid valid) {
            Identity user = valid.identity();
            boolean admin =
                user.rooms().forRoom(roomId).filter(p -> p.includes(Permission.ADMIN)).isPresent();
            return admin
                ? inner.apply("user " + user.userId())
                : error(
                    StatusCodes.FORBIDDEN,
                    "forbidden",
                    "the token of user "
                        + user.userId()
                        + " does not give admin in room "
                        + roomId);
          }
          return operator(() -> inner.apply(OPERATOR));
        });
  }

  /** Constant time: the comparison must not tell how much of a guess was right. */
  private boolean isOperatorToken(String presented) {
    return operatorToken.isPresent()
        && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), operatorToken.get());
  }

  private static Route error(StatusCode status, String code, String message) {
    return Directives.complete(
        ERRORS.response(
            status,
            code,
            null,
            message,
            List.of(HttpHeader.parse("WWW-Authenticate", "Bearer realm=\"parley-operator\""))));
  }
}
