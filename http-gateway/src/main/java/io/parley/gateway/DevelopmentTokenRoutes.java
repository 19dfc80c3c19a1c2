package io.parley.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.auth.DevelopmentTokens;
import io.parley.auth.Permission;
import io.parley.auth.RoomGrants;
import io.parley.validation.FieldValidator;
import io.parley.validation.Violation;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * DEVELOPMENT ONLY: {@code GET /v1/dev/token?userId=ann&name=Ann&rooms=*:write} mints a token
 * signed with the node's development secret, for a client on the loopback interface. The route
 * exists only in development mode ({@code parley.mode = development}); a production node has no
 * such route, and answers 404 like for any unknown path.
 */
public final class DevelopmentTokenRoutes extends AllDirectives {

  /** The longest lifetime a development token may ask for. */
  private static final Duration MAX_LIFETIME = Duration.ofDays(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DevelopmentTokens tokens;
  private final FieldValidator validator;
  private final HttpErrors errors;

  public DevelopmentTokenRoutes(
      DevelopmentTokens tokens, FieldValidator validator, HttpErrors errors) {
    this.tokens = tokens;
    this.validator = validator;
    this.errors = errors;
  }

  public Route routes() {
    return path(
        PathMatchers.segment("v1").slash("dev").slash("token"),
        () ->
            get(
                () ->
                    extractRequest(
                        request -> {
                          boolean loopback =
                              request
                                  .getAttribute(AttributeKeys.remoteAddress)
                                  .flatMap(RemoteAddress::getAddress)
                                  .map(InetAddress::isLoopbackAddress)
                                  .orElse(false);
                          if (!loopback) {
                            return complete(
                                errors.response(
                                    StatusCodes.FORBIDDEN,
                                    "forbidden",
                                    null,
                                    "development tokens are minted for clients on this machine"
                                        + " only"));
                          }
                          return parameterMap(this::mint);
                        })));
  }

  private Route mint(Map<String, String> query) {
    try {
      String userId = required(query, "userId");
      check(validator.id("userId", userId));
      Optional<String> name = Optional.ofNullable(query.get("name"));
      name.ifPresent(value -> check(validator.name(value)));
      Optional<String> color = Optional.ofNullable(query.get("color"));
      color.ifPresent(value -> check(validator.color(value)));
      RoomGrants rooms = rooms(query.getOrDefault("rooms", "*:write"));
      Optional<Duration> lifetime = lifetime(query.get("ttl"));
      DevelopmentTokens.Minted minted = tokens.mint(userId, name, color, rooms, lifetime);
      ObjectNode body = JSON.createObjectNode();
      body.put("token", minted.token());
      body.put("userId", userId);
      body.put("expiresAt", minted.expiresAt().toString());
      body.put("developmentOnly", true);
      return complete(
          HttpResponse.create()
              .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString())));
    } catch (BadParameter e) {
      return complete(
          errors.response(StatusCodes.BAD_REQUEST, "invalid_field", e.field, e.getMessage()));
    }
  }

  /** {@code team-*:write,lobby:read}. */
  private static RoomGrants rooms(String text) {
    Map<String, Permission> grants = new LinkedHashMap<>();
    for (String item : text.split(",")) {
      int colon = item.lastIndexOf(':');
      Optional<Permission> level =
          colon > 0 ? Permission.parse(item.substring(colon + 1).trim()) : Optional.empty();
      String pattern = colon > 0 ? item.substring(0, colon).trim() : "";
      if (level.isEmpty() || pattern.isEmpty() || pattern.length() > RoomGrants.MAX_PATTERN_LENGTH) {
        throw new BadParameter(
            "rooms",
            "must be pattern:level items separated by commas, e.g. team-*:write,lobby:read;"
                + " levels: read, write, admin");
      }
      grants.put(pattern, level.get());
    }
    return new RoomGrants(grants);
  }

  private static Optional<Duration> lifetime(String seconds) {
    if (seconds == null) {
      return Optional.empty();
    }
    try {
      Duration lifetime = Duration.ofSeconds(Long.parseLong(seconds));
      if (!lifetime.isNegative() && !lifetime.isZero() && lifetime.compareTo(MAX_LIFETIME) <= 0) {
        return Optional.of(lifetime);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadParameter("ttl", "must be a number of seconds from 1 to " + MAX_LIFETIME.toSeconds());
  }

  private static String required(Map<String, String> query, String name) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      throw new BadParameter(name, "is required");
    }
    return value;
  }

  private static void check(Optional<Violation> violation) {
    violation.ifPresent(
        v -> {
          throw new BadParameter(v.field(), v.message());
        });
  }

  private static final class BadParameter extends RuntimeException {
    private final String field;

    BadParameter(String field, String message) {
      super(message);
      this.field = field;
    }
  }
}
