package io.parley.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token bucket: it holds at most {@code capacity} tokens, gains {@code refillPerSecond} of them
 * per second, and every {@link #tryTake} spends one. A full bucket allows a burst of {@code
 * capacity} actions at once; after that, actions are allowed at the refill rate.
 *
 * <p>It is kept as the instant at which the bucket is full again (the "generic cell rate
 * algorithm" form of a token bucket): nothing runs in the background, it works on whatever clock
 * the caller reads, and the time to wait for the next token is exact to the nanosecond. Not
 * thread-safe: an actor owns it.
 */
public final class TokenBucket {

  /** What {@link #tryTake} decided: a token was taken, or none is there before {@code retryAfter}. */
  public record Result(boolean granted, Duration retryAfter) {

    public static final Result GRANTED = new Result(true, Duration.ZERO);

    public Result {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    static Result limited(Duration retryAfter) {
      return new Result(false, retryAfter);
    }
  }

  private final int capacity;
  /** Time to gain one token. */
  private final long intervalNanos;
  /** How far ahead of now {@link #fullAt} may be for one token to be left: {@code capacity - 1} intervals. */
  private final long toleranceNanos;
  /** When the bucket is full again; {@code null} while it has never been used. */
  private Instant fullAt;

  /**
   * @param capacity the burst: 1 to 1,000,000 tokens
   * @param refillPerSecond tokens gained per second: at least 0.001 (one token every 1000 s) and
   *     at most 1,000,000,000
   */
  public TokenBucket(int capacity, double refillPerSecond) {
    if (capacity < 1 || capacity > 1_000_000) {
      throw new IllegalArgumentException("capacity must be 1 to 1000000, not " + capacity);
    }
    if (!(refillPerSecond >= 0.001 && refillPerSecond <= 1e9)) {
      throw new IllegalArgumentException(
          "refill per second must be 0.001 to 1000000000, not " + refillPerSecond);
    }
    this.capacity = capacity;
    this.intervalNanos = Math.max(1, Math.round(1e9 / refillPerSecond));
    this.toleranceNanos = (capacity - 1) * intervalNanos;
  }

  /**
   * Takes a token if there is one at {@code now}. When there is none, nothing changes and the
   * result says how long from {@code now} until there is one.
   */
  public Result tryTake(Instant now) {
    Instant base = fullAt == null || fullAt.isBefore(now) ? now : fullAt;
    long ahead = Duration.between(now, base).toNanos();
    if (ahead > toleranceNanos) {
      return Result.limited(Duration.ofNanos(ahead - toleranceNanos));
    }
    fullAt = base.plusNanos(intervalNanos);
    return Result.GRANTED;
  }

  /** Whole tokens in the bucket at {@code now}. */
  public int available(Instant now) {
    if (isFull(now)) {
      return capacity;
    }
    long ahead = Duration.between(now, fullAt).toNanos();
    long missing = (ahead + intervalNanos - 1) / intervalNanos;
    return (int) Math.max(0, capacity - missing);
  }

  /** Whether the bucket is full at {@code now}, so that it is no different from a new one. */
  public boolean isFull(Instant now) {
    return fullAt == null || !fullAt.isAfter(now);
  }

  public int capacity() {
    return capacity;
  }
}
