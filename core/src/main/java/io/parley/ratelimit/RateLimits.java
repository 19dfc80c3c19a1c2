package io.parley.ratelimit;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The token buckets of the users of one room: one bucket per user and {@link Kind}, shared by all
 * of that user's sessions, so that opening more connections or reconnecting gives a user no more
 * than its rate. Buckets are created on a user's first action and forgotten once the user has left
 * the room and its buckets are full again (a full bucket is the same as a new one, so leaving and
 * joining again does not refill a bucket early). Not thread-safe: the room entity owns it, in
 * memory only, and hands it to its next start on the node through {@link RateLimitHandover}.
 */
public final class RateLimits {

  /** What a bucket limits. */
  public enum Kind {
    /** Durable commands other than chat: state changes, ready, focus. */
    COMMANDS,
    /** Chat messages. */
    CHAT,
    /** Cursors and other ephemeral signals. */
    CURSORS
  }

  /** A bucket's size (the burst allowed at once) and its refill rate. */
  public record Rate(int burst, double perSecond) {

    public Rate {
      new TokenBucket(burst, perSecond); // throws on a burst or rate it cannot work with
    }

    public static Rate fromConfig(Config rate) {
      return new Rate(rate.getInt("burst"), rate.getDouble("per-second"));
    }

    TokenBucket newBucket() {
      return new TokenBucket(burst, perSecond);
    }
  }

  /** The rates of {@code parley.limits.rates}. */
  public record Settings(Rate commands, Rate chat, Rate cursors) {

    public static Settings fromConfig(Config rates) {
      return new Settings(
          Rate.fromConfig(rates.getConfig("commands")),
          Rate.fromConfig(rates.getConfig("chat")),
          Rate.fromConfig(rates.getConfig("cursors")));
    }

    public Rate of(Kind kind) {
      return switch (kind) {
        case COMMANDS -> commands;
        case CHAT -> chat;
        case CURSORS -> cursors;
      };
    }

    /** The longest time an empty bucket of these rates takes to be full again. */
    public Duration fullRefill() {
      Duration longest = Duration.ZERO;
      for (Kind kind : Kind.values()) {
        Rate rate = of(kind);
        Duration refill = Duration.ofNanos((long) Math.ceil(rate.burst() * 1e9 / rate.perSecond()));
        longest = refill.compareTo(longest) > 0 ? refill : longest;
      }
      return longest;
    }
  }

  private final Settings settings;
  private final Map<String, EnumMap<Kind, TokenBucket>> buckets = new HashMap<>();
  /** Users that left but whose buckets were not yet full again. */
  private final Set<String> departed = new HashSet<>();

  public RateLimits(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Takes a token of {@code userId}'s {@code kind} bucket; see {@link TokenBucket#tryTake}. */
  public TokenBucket.Result tryTake(String userId, Kind kind, Instant now) {
    departed.remove(userId);
    return buckets
        .computeIfAbsent(userId, u -> new EnumMap<>(Kind.class))
        .computeIfAbsent(kind, k -> settings.of(k).newBucket())
        .tryTake(now);
  }

  /**
   * The user left the room: its buckets are dropped as soon as they are full, at once if they
   * are already. Departed users whose buckets have filled up since are dropped too, so what is
   * kept never exceeds the current users plus those that left within one refill time.
   */
  public void userLeft(String userId, Instant now) {
    if (buckets.containsKey(userId)) {
      departed.add(userId);
    }
    departed.removeIf(
        user -> {
          boolean full = buckets.get(user).values().stream().allMatch(b -> b.isFull(now));
          if (full) {
            buckets.remove(user);
          }
          return full;
        });
  }

  /** Whether buckets of {@code userId} are kept. */
  public boolean tracks(String userId) {
    return buckets.containsKey(userId);
  }

  /** Users whose buckets are kept. */
  public int trackedUsers() {
    return buckets.size();
  }
}
