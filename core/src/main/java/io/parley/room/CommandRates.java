package io.parley.room;

import io.parley.presence.Member;
import io.parley.ratelimit.RateLimits;
import io.parley.ratelimit.RetryAfter;
import io.parley.ratelimit.TokenBucket;
import java.time.Instant;
import java.util.Optional;

/**
 * The rate limit of durable commands. Every durable command of a member takes a token of its
 * user's bucket, whatever it turns out to be (a retry or an invalid command too: each costs the
 * room work): chat from the chat bucket, the others from the commands bucket. A command from a
 * session that is not open is left to the rules.
 */
final class CommandRates {

  private final RateLimits rateLimits;
  private final RoomMetrics metrics;

  CommandRates(RateLimits rateLimits) {
    this(rateLimits, RoomMetrics.unregistered());
  }

  /** Counts the commands it rejects in {@code metrics}. */
  CommandRates(RateLimits rateLimits, RoomMetrics metrics) {
    this.rateLimits = rateLimits;
    this.metrics = metrics;
  }

  /** The rejection of {@code command} if its user has no token, with the time until the next. */
  Optional<CommandReply.Rejected> check(RoomState state, RoomCommand.Durable command, Instant now) {
    Optional<Member> author = state.memberOfSession(command.sessionId());
    if (author.isEmpty()) {
      return Optional.empty();
    }
    boolean chat = command instanceof RoomCommand.PostChat;
    TokenBucket.Result taken =
        rateLimits.tryTake(
            author.get().userId(), chat ? RateLimits.Kind.CHAT : RateLimits.Kind.COMMANDS, now);
    if (taken.granted()) {
      return Optional.empty();
    }
    (chat ? metrics.rateLimitedChat : metrics.rateLimitedCommands).increment();
    String message =
        (chat ? "too many chat messages" : "too many changes")
            + "; retry in "
            + RetryAfter.millis(taken.retryAfter())
            + " ms";
    return Optional.of(
        new CommandReply.Rejected(
            command.commandId(), RejectCode.RATE_LIMITED, message, Optional.of(taken.retryAfter())));
  }
}
