package io.parley.gateway;

import io.parley.auth.Authentication;
import io.parley.protocol.FrameEncoder;
import io.parley.registry.PublicRoomPage;
import io.parley.registry.PublicRooms;
import io.parley.registry.RegistrySettings;
import io.parley.validation.FieldValidator;
import io.parley.validation.Violation;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/rooms?public=true}: the public room registry, a page at a time. Any valid token
 * may read it (it lists rooms its holder may not open); without authentication, anyone.
 */
public final class PublicRoomRoutes extends AllDirectives {

  private final PublicRooms registry;
  private final RegistrySettings settings;
  private final FieldValidator validator;
  private final FrameEncoder encoder;
  private final AccessDirectives access;
  private final HttpErrors errors = new HttpErrors();

  public PublicRoomRoutes(
      PublicRooms registry,
      RegistrySettings settings,
      FieldValidator validator,
      FrameEncoder encoder,
      Authentication authentication,
      GatewayMetrics metrics) {
    this.registry = registry;
    this.settings = settings;
    this.validator = validator;
    this.encoder = encoder;
    this.access = new AccessDirectives(authentication, errors, metrics);
  }

  public Route routes() {
    return pathPrefix(
        "v1",
        () ->
            path(
                "rooms",
                () ->
                    access.cors(
                        () -> get(() -> access.authenticated(() -> parameterMap(this::list))))));
  }

  private Route list(Map<String, String> query) {
    Optional<String> after = Optional.ofNullable(query.get("after"));
    if (!"true".equals(query.get("public"))) {
      return badRequest(
          new Violation(
              "public",
              "must be true: GET /v1/rooms lists the public rooms only (the rooms of a node are"
                  + " on the admin API)"));
    }
    Optional<Violation> badAfter = after.flatMap(room -> validator.id("after", room));
    if (badAfter.isPresent()) {
      return badRequest(badAfter.get());
    }
    Optional<Integer> size =
        PageSize.of(
            Optional.ofNullable(query.get("limit")),
            settings.defaultPageSize(),
            settings.maxPageSize());
    if (size.isEmpty()) {
      return badRequest(
          new Violation("limit", "must be a whole number from 1 to " + settings.maxPageSize()));
    }
    return onSuccess(
        registry.page(size.get(), after),
        (PublicRoomPage page) ->
            complete(
                HttpResponse.create()
                    .withEntity(
                        HttpEntities.create(
                            ContentTypes.APPLICATION_JSON, encoder.publicRooms(page)))));
  }

  private Route badRequest(Violation violation) {
    return complete(
        errors.response(
            StatusCodes.BAD_REQUEST, "invalid_field", violation.field(), violation.message()));
  }
}
