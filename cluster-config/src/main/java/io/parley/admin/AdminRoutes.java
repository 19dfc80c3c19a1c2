package io.parley.admin;

import io.parley.gateway.HttpErrors;
import io.parley.gateway.PageSize;
import io.parley.node.OperatorCredential;
import io.parley.node.health.Draining;
import io.parley.room.CommandReply;
import io.parley.room.RoomCommand;
import io.parley.room.RoomInspection;
import io.parley.validation.Violation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The admin API under {@code /admin} on the management port (docs/OPERATIONS.md, "Admin API"):
 * list the running rooms of this node or of the cluster, inspect a room, kick a member, close a
 * room, drain this node. The node-wide routes need the operator credential; a room's routes
 * also take a user token that gives {@code admin} in that room ({@link OperatorCredential}).
 * A room's routes act on running rooms only: they never start one (a start may write presence
 * fixes and a snapshot), and answer 404 {@code room_not_active} instead.
 */
public final class AdminRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
  private static final HttpErrors ERRORS = new HttpErrors();

  private final ActorSystem<?> system;
  private final AdminTargets targets;
  private final AdminSettings settings;
  private final OperatorCredential credential;

  public AdminRoutes(
      ActorSystem<?> system,
      AdminTargets targets,
      AdminSettings settings,
      OperatorCredential credential) {
    this.system = system;
    this.targets = targets;
    this.settings = settings;
    this.credential = credential;
  }

  public Route routes() {
    return pathPrefix(
        "admin",
        () ->
            concat(
                path("drain", () -> post(() -> credential.operator(() -> started(this::drain)))),
                pathPrefix(
                    "rooms",
                    () ->
                        concat(
                            pathEnd(() -> get(() -> credential.operator(() -> started(this::list)))),
                            pathPrefix(PathMatchers.segment(), this::room)))));
  }

  private Route room(String roomId) {
    return concat(
        pathEnd(() -> get(() -> roomAdmin(roomId, (node, by) -> inspect(node, roomId)))),
        path("close", () -> post(() -> roomAdmin(roomId, (node, by) -> close(node, roomId, by)))),
        path(
            PathMatchers.segment("members").slash(PathMatchers.segment()).slash("kick"),
            userId -> post(() -> roomAdmin(roomId, (node, by) -> kick(node, roomId, userId, by)))));
  }

  /** A room route on a valid room id, for the operator or the room's admin, if it runs. */
  private Route roomAdmin(String roomId, RoomAction action) {
    return started(
        node ->
            valid(
                node,
                "roomId",
                roomId,
                () ->
                    credential.roomAdmin(
                        roomId,
                        Optional.of(node.authentication()),
                        by -> running(node, roomId, () -> action.run(node, by)))));
  }

  private interface RoomAction {
    Route run(AdminTargets.Node node, String by);
  }

  // ---- routes

  private Route list(AdminTargets.Node node) {
    return parameterMap(query -> list(node, query));
  }

  private Route list(AdminTargets.Node node, Map<String, String> query) {
    Optional<Integer> pageSize =
        PageSize.of(
            Optional.ofNullable(query.get("limit")),
            settings.defaultPageSize(),
            settings.maxPageSize());
    if (pageSize.isEmpty()) {
      return badRequest(
          "limit", "limit must be a whole number from 1 to " + settings.maxPageSize());
    }
    Optional<String> after = Optional.ofNullable(query.get("after"));
    String where = query.getOrDefault("scope", "node");
    if (where.equals("node")) {
      return onSuccess(
          RoomDirectory.local(node.rooms(), system, settings.askTimeout()),
          rooms ->
              json(
                  StatusCodes.OK,
                  AdminJson.page(RoomPage.of(rooms.locations(), after, pageSize.get()), null)));
    }
    if (where.equals("cluster")) {
      return onSuccess(
          RoomDirectory.cluster(node.rooms(), system, settings.askTimeout()),
          rooms ->
              json(
                  StatusCodes.OK,
                  AdminJson.page(
                      RoomPage.of(rooms.rooms(), after, pageSize.get()), rooms.unanswered())));
    }
    return badRequest("scope", "scope must be node or cluster");
  }

  private Route inspect(AdminTargets.Node node, String roomId) {
    return onSuccess(
        node.rooms()
            .room(roomId)
            .<RoomInspection>ask(RoomCommand.Inspect::new, settings.askTimeout()),
        room -> json(StatusCodes.OK, AdminJson.inspection(room)));
  }

  private Route kick(AdminTargets.Node node, String roomId, String userId, String by) {
    return valid(
        node,
        "userId",
        userId,
        () -> {
          logAction(roomId, userId, "kick of user " + userId + " by " + by);
          return moderated(
              node.rooms()
                  .room(roomId)
                  .ask(
                      replyTo -> new RoomCommand.Kick(commandId(), userId, replyTo),
                      settings.askTimeout()),
              version -> AdminJson.moderated(roomId, userId, version));
        });
  }

  private Route close(AdminTargets.Node node, String roomId, String by) {
    logAction(roomId, null, "close by " + by);
    return moderated(
        node.rooms()
            .room(roomId)
            .ask(replyTo -> new RoomCommand.CloseRoom(commandId(), replyTo), settings.askTimeout()),
        version -> AdminJson.moderated(roomId, null, version));
  }

  /**
   * Both halves of a drain, as a shutdown starts it, without the shutdown: readiness turns false
   * (load balancers stop sending new connections), new WebSocket and SSE requests are refused
   * and every open WebSocket is told to reconnect elsewhere. REST reads are still served until
   * the operator stops the node. Idempotent.
   */
  private Route drain(AdminTargets.Node node) {
    boolean already = node.drain().isDraining();
    int open = node.drain().openConnections();
    log.info("admin: drain of this node by the operator ({} WebSocket clients open)", open);
    Draining.get(system).start();
    node.drain().drain();
    return json(
        StatusCodes.ACCEPTED, AdminJson.drain(system.address().toString(), already, open));
  }

  // ---- conditions

  private Route started(Function<AdminTargets.Node, Route> inner) {
    return targets
        .node()
        .map(inner)
        .orElseGet(
            () ->
                error(
                    StatusCodes.SERVICE_UNAVAILABLE,
                    "unavailable",
                    null,
                    "the node is starting; retry"));
  }

  private Route valid(AdminTargets.Node node, String field, String id, Supplier<Route> inner) {
    Optional<Violation> invalid = node.validator().id(field, id);
    return invalid.isPresent() ? badRequest(field, invalid.get().message()) : inner.get();
  }

  /**
   * The room runs on some node of the cluster. A room that stops between this check and the
   * command is started again by it (see the class comment): a window of one ask.
   */
  private Route running(AdminTargets.Node node, String roomId, Supplier<Route> inner) {
    return onSuccess(
        RoomDirectory.cluster(node.rooms(), system, settings.askTimeout()),
        rooms -> {
          if (rooms.rooms().stream().anyMatch(room -> room.roomId().equals(roomId))) {
            return inner.get();
          }
          if (!rooms.unanswered().isEmpty()) {
            return error(
                StatusCodes.SERVICE_UNAVAILABLE,
                "unavailable",
                null,
                "room "
                    + roomId
                    + " is not running on the nodes that answered, and "
                    + rooms.unanswered()
                    + " did not answer; retry");
          }
          return error(
              StatusCodes.NOT_FOUND,
              "room_not_active",
              "roomId",
              "room " + roomId + " is not running on any node of the cluster");
        });
  }

  // ---- answers

  private Route moderated(CompletionStage<CommandReply> reply, Function<Long, String> body) {
    return onSuccess(
        reply,
        answer -> {
          if (answer instanceof CommandReply.Accepted accepted) {
            return json(StatusCodes.OK, body.apply(accepted.version()));
          }
          CommandReply.Rejected rejected = (CommandReply.Rejected) answer;
          return error(
              StatusCodes.CONFLICT, rejected.code().wireName(), null, rejected.message());
        });
  }

  /** Logged with the room (and user) in the logging context, as the room's own lines are. */
  private static void logAction(String roomId, String userId, String action) {
    try (MDC.MDCCloseable room = MDC.putCloseable("roomId", roomId);
        MDC.MDCCloseable user = userId == null ? null : MDC.putCloseable("userId", userId)) {
      log.info("admin: {} in room {}", action, roomId);
    }
  }

  /** The id of an admin's moderation command: the room needs one, nothing repeats it. */
  private static String commandId() {
    return "admin-" + UUID.randomUUID();
  }

  private Route badRequest(String field, String message) {
    return error(StatusCodes.BAD_REQUEST, "invalid_field", field, message);
  }

  private Route error(StatusCode status, String code, String field, String message) {
    return complete(ERRORS.response(status, code, field, message, List.of()));
  }

  private Route json(StatusCode status, String body) {
    return complete(
        HttpResponse.create()
            .withStatus(status)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
  }
}
