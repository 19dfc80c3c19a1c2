package io.parley.room;

import io.parley.presence.DocumentFocus;
import io.parley.presence.Member;
import io.parley.presence.MemberStatus;
import io.parley.validation.FieldValidator;
import io.parley.validation.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The room's decisions, without actors: given the current state and a command, which event to
 * persist or why the command is refused.
 */
public final class RoomRules {

  private final FieldValidator validator;
  private final int membersPerRoom;

  /**
   * @param membersPerRoom members (online or away) the room holds; a new user beyond it is
   *     refused
   */
  public RoomRules(FieldValidator validator, int membersPerRoom) {
    if (membersPerRoom < 1) {
      throw new IllegalArgumentException("members-per-room must be at least 1, not " + membersPerRoom);
    }
    this.validator = validator;
    this.membersPerRoom = membersPerRoom;
  }

  public Decision openSession(RoomState state, RoomCommand.OpenSession command, Instant now) {
    Optional<Violation> invalid =
        first(
            validator.id("sessionId", command.sessionId()),
            validator.id("userId", command.userId()),
            validator.name(command.name()),
            validator.color(command.color()));
    if (invalid.isPresent()) {
      return Decision.reject(RejectCode.VALIDATION, invalid.get().toString());
    }
    if (state.memberOfSession(command.sessionId()).isPresent()) {
      return Decision.reject(RejectCode.VALIDATION, "sessionId: is already open in this room");
    }
    Optional<Member> existing = state.member(command.userId());
    // Only a new user counts against the limit: another session of a member, or an away member
    // coming back within its grace period, is already one of the members.
    if (existing.isEmpty() && state.members().size() >= membersPerRoom) {
      return Decision.reject(
          RejectCode.ROOM_FULL, "the room already has its maximum of " + membersPerRoom + " members");
    }
    RoomEvent event =
        existing.isPresent()
            ? new RoomEvent.SessionOpened(
                command.userId(),
                command.sessionId(),
                command.name(),
                command.color(),
                command.connection(),
                now)
            : new RoomEvent.MemberJoined(
                command.userId(),
                command.sessionId(),
                command.name(),
                command.color(),
                command.connection(),
                now);
    return new Decision.Accept(event);
  }

  /**
   * A member's other sessions keep it online; its last session leaving makes it leave, its last
   * session being lost makes it away for the grace period.
   */
  public Decision closeSession(
      RoomState state, String sessionId, RoomCommand.SessionEnd end, Instant now) {
    Optional<Member> member = state.memberOfSession(sessionId);
    if (member.isEmpty()) {
      return new Decision.Ignore();
    }
    String userId = member.get().userId();
    if (member.get().sessions().size() > 1) {
      return new Decision.Accept(new RoomEvent.SessionClosed(userId, sessionId, now));
    }
    return new Decision.Accept(
        end == RoomCommand.SessionEnd.LEAVE
            ? new RoomEvent.MemberLeft(userId, RoomEvent.LeaveReason.LEFT, now)
            : new RoomEvent.MemberAway(userId, sessionId, now));
  }

  /** The events of a kick: the member leaves, whatever its sessions; none if it is not here. */
  public List<RoomEvent> kick(RoomState state, String userId, Instant now) {
    return state.member(userId).isPresent()
        ? List.of(new RoomEvent.MemberLeft(userId, RoomEvent.LeaveReason.KICKED, now))
        : List.of();
  }

  /**
   * The events of closing the room: every member leaves, in the order they joined (members who
   * joined at the same instant by user id), the same order on every run.
   */
  public List<RoomEvent> closeRoom(RoomState state, Instant now) {
    return state.members().values().stream()
        .sorted(Comparator.comparing(Member::joinedAt).thenComparing(Member::userId))
        .<RoomEvent>map(m -> new RoomEvent.MemberLeft(m.userId(), RoomEvent.LeaveReason.ROOM_CLOSED, now))
        .toList();
  }

  /** An away member whose grace period ended leaves; one that came back stays. */
  public Decision graceExpired(RoomState state, String userId, Instant now) {
    return state
        .member(userId)
        .filter(member -> member.status() == MemberStatus.AWAY)
        .<Decision>map(
            member ->
                new Decision.Accept(
                    new RoomEvent.MemberLeft(userId, RoomEvent.LeaveReason.TIMED_OUT, now)))
        .orElse(new Decision.Ignore());
  }

  /**
   * A durable command of a member. A command whose id the same member used for a command the
   * room still remembers (see {@link RoomState#appliedCommands()}) is a retry when it asks for the
   * same thing ({@link CommandFingerprint}): it is not applied again and gets the original
   * version. With another content it is refused ({@link RejectCode#ID_REUSED}), not mistaken for
   * the original; a command remembered without a fingerprint (from an old snapshot) is matched by
   * its id alone. Ids are per member: the same id from another member is another command. Only
   * applied commands are remembered, so a rejected one can be corrected and sent again under its
   * id; and an id used again after the room forgot it is a new command.
   */
  public Decision durable(RoomState state, RoomCommand.Durable command, Instant now) {
    Optional<Member> author = state.memberOfSession(command.sessionId());
    if (author.isEmpty()) {
      return Decision.reject(RejectCode.NOT_MEMBER, "no open session " + command.sessionId());
    }
    String userId = author.get().userId();
    Optional<AppliedCommand> applied = state.appliedCommand(userId, command.commandId());
    if (applied.isPresent()) {
      return retry(applied.get(), command);
    }
    Optional<Violation> badId = validator.id("id", command.commandId());
    if (badId.isPresent()) {
      return Decision.reject(RejectCode.VALIDATION, badId.get().toString());
    }
    return command.accept(
        new RoomCommand.Durable.Visitor<>() {
          @Override
          public Decision changeKeys(RoomCommand.ChangeKeys c) {
            return RoomRules.this.changeKeys(state, userId, c, now);
          }

          @Override
          public Decision setReady(RoomCommand.SetReady c) {
            return new Decision.Accept(
                new RoomEvent.ReadyChanged(userId, c.commandId(), c.ready(), now));
          }

          @Override
          public Decision focusDocument(RoomCommand.FocusDocument c) {
            return focus(userId, c, now);
          }

          @Override
          public Decision postChat(RoomCommand.PostChat c) {
            return validator
                .chatText(c.text())
                .<Decision>map(v -> Decision.reject(RejectCode.VALIDATION, v.toString()))
                .orElseGet(
                    () ->
                        new Decision.Accept(
                            new RoomEvent.ChatPosted(userId, c.commandId(), c.text(), now)));
          }

          @Override
          public Decision setVisibility(RoomCommand.SetVisibility c) {
            return visibility(state, userId, c, now);
          }
        });
  }

  private static Decision retry(AppliedCommand original, RoomCommand.Durable command) {
    if (original.isRetriedBy(CommandFingerprint.of(command))) {
      return new Decision.Duplicate(original.version());
    }
    return Decision.reject(
        RejectCode.ID_REUSED,
        "command id "
            + command.commandId()
            + " was already used for a different command (version "
            + original.version()
            + "); use a fresh id for a new command");
  }

  private Decision changeKeys(
      RoomState state, String userId, RoomCommand.ChangeKeys command, Instant now) {
    Optional<Violation> size = validator.batchSize(command.ops().size());
    if (size.isPresent()) {
      return Decision.reject(RejectCode.VALIDATION, size.get().toString());
    }
    for (int i = 0; i < command.ops().size(); i++) {
      KeyOp op = command.ops().get(i);
      String prefix = command.ops().size() == 1 ? "" : "ops[" + i + "].";
      Optional<Violation> invalid =
          first(
              validator.key(prefix + "key", op.key()),
              op.expect()
                  .flatMap(expect -> validator.expectedVersion(prefix + "expect", expect)),
              op instanceof KeyOp.Set set
                  ? validator.value(prefix + "value", set.value())
                  : Optional.empty());
      if (invalid.isPresent()) {
        return Decision.reject(RejectCode.VALIDATION, invalid.get().toString());
      }
    }
    Optional<Violation> duplicate =
        validator.distinctKeys(command.ops().stream().map(KeyOp::key).toList());
    if (duplicate.isPresent()) {
      return Decision.reject(RejectCode.VALIDATION, duplicate.get().toString());
    }
    List<String> conflicts = new ArrayList<>();
    for (KeyOp op : command.ops()) {
      long current = state.keyVersion(op.key());
      if (op.expect().isPresent() && op.expect().get() != current) {
        conflicts.add(op.key() + " is at version " + current + ", expected " + op.expect().get());
      }
    }
    if (!conflicts.isEmpty()) {
      return Decision.reject(RejectCode.CONFLICT, String.join("; ", conflicts));
    }
    return new Decision.Accept(
        new RoomEvent.KeysChanged(userId, command.commandId(), command.ops(), now));
  }

  /**
   * A public room needs a title, which is only what it is listed under: a private room has
   * none. The member count goes with the event so that the registry can count from there.
   */
  private Decision visibility(
      RoomState state, String userId, RoomCommand.SetVisibility command, Instant now) {
    Optional<Violation> invalid =
        command.listed()
            ? validator.title(command.title().orElse(null))
            : command.title().map(title -> new Violation("title", "only a public room has a title"));
    if (invalid.isPresent()) {
      return Decision.reject(RejectCode.VALIDATION, invalid.get().toString());
    }
    return new Decision.Accept(
        new RoomEvent.VisibilityChanged(
            userId,
            command.commandId(),
            new Visibility(command.listed(), command.title()),
            state.members().size(),
            now));
  }

  private Decision focus(String userId, RoomCommand.FocusDocument command, Instant now) {
    if (command.document().isPresent()) {
      DocumentFocus document = command.document().get();
      Optional<Violation> invalid =
          first(validator.documentId("document.id", document.id()), validator.documentType(document.type()));
      if (invalid.isPresent()) {
        return Decision.reject(RejectCode.VALIDATION, invalid.get().toString());
      }
    }
    return new Decision.Accept(
        new RoomEvent.DocumentFocused(userId, command.commandId(), command.document(), now));
  }

  @SafeVarargs
  private static Optional<Violation> first(Optional<Violation>... checks) {
    for (Optional<Violation> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }
}
