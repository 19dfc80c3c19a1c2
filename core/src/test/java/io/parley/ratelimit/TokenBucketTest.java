package io.parley.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The token bucket on explicit instants: no clock, no waiting. */
class TokenBucketTest {

  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

  private static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  private static void takeAll(TokenBucket bucket, int count, Instant now) {
    for (int i = 0; i < count; i++) {
      assertThat(bucket.tryTake(now).granted()).as("take %d of %d", i + 1, count).isTrue();
    }
  }

  @Test
  void aNewBucketAllowsItsWholeBurstAtOnceAndNotOneMore() {
    TokenBucket bucket = new TokenBucket(5, 1);
    assertThat(bucket.available(T0)).isEqualTo(5);

    takeAll(bucket, 5, T0);

    TokenBucket.Result refused = bucket.tryTake(T0);
    assertThat(refused.granted()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(bucket.available(T0)).isZero();
  }

  @Test
  void theRetryAfterIsExactlyTheTimeToTheNextToken() {
    TokenBucket bucket = new TokenBucket(3, 10); // one token every 100 ms
    takeAll(bucket, 3, T0);

    assertThat(bucket.tryTake(at(30)).retryAfter()).isEqualTo(Duration.ofMillis(70));
    assertThat(bucket.tryTake(at(99)).retryAfter()).isEqualTo(Duration.ofMillis(1));
    assertThat(bucket.tryTake(T0.plusNanos(99_999_999)).retryAfter()).isEqualTo(Duration.ofNanos(1));
    assertThat(bucket.tryTake(at(100)).granted()).isTrue();
    assertThat(bucket.tryTake(at(100)).retryAfter()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void waitingTheRetryAfterIsAlwaysEnough() {
    TokenBucket bucket = new TokenBucket(2, 3); // one token every 333.333333 ms
    Instant now = T0;
    takeAll(bucket, 2, now);
    for (int i = 0; i < 10; i++) {
      TokenBucket.Result refused = bucket.tryTake(now);
      assertThat(refused.granted()).isFalse();
      now = now.plus(refused.retryAfter());
      assertThat(bucket.tryTake(now).granted()).isTrue();
    }
  }

  @Test
  void itRefillsAtItsRateUpToItsCapacity() {
    TokenBucket bucket = new TokenBucket(4, 2); // one token every 500 ms
    takeAll(bucket, 4, T0);

    assertThat(bucket.available(at(1_250))).isEqualTo(2);
    takeAll(bucket, 2, at(1_250));
    TokenBucket.Result refused = bucket.tryTake(at(1_250));
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(250));

    // an hour idle fills it to its capacity, never beyond
    Instant later = at(3_600_000);
    assertThat(bucket.isFull(later)).isTrue();
    assertThat(bucket.available(later)).isEqualTo(4);
    takeAll(bucket, 4, later);
    assertThat(bucket.tryTake(later).granted()).isFalse();
  }

  @Test
  void aRefusedTakeCostsNothing() {
    TokenBucket bucket = new TokenBucket(1, 1);
    takeAll(bucket, 1, T0);
    for (int i = 0; i < 100; i++) {
      assertThat(bucket.tryTake(at(500)).retryAfter()).isEqualTo(Duration.ofMillis(500));
    }
    assertThat(bucket.tryTake(at(1_000)).granted()).isTrue();
  }

  @Test
  void fractionalRatesWork() {
    TokenBucket bucket = new TokenBucket(1, 0.5); // one token every 2 s
    takeAll(bucket, 1, T0);
    assertThat(bucket.tryTake(T0).retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(bucket.tryTake(at(2_000)).granted()).isTrue();
  }

  @Test
  void isFullOnlyOnceEveryTokenIsBack() {
    TokenBucket bucket = new TokenBucket(3, 1);
    assertThat(bucket.isFull(T0)).isTrue();
    takeAll(bucket, 2, T0);
    assertThat(bucket.isFull(at(1_999))).isFalse();
    assertThat(bucket.available(at(1_999))).isEqualTo(2);
    assertThat(bucket.isFull(at(2_000))).isTrue();
  }

  @Test
  void unusableSettingsAreRefused() {
    assertThatThrownBy(() -> new TokenBucket(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1_000_001, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
