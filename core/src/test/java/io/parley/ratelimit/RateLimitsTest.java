package io.parley.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.parley.ratelimit.RateLimits.Kind;
import io.parley.ratelimit.RateLimits.Rate;
import io.parley.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Buckets per user and kind, on explicit instants. */
class RateLimitsTest {

  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

  /** commands: 3 at once, then 1 a second; chat: 2, then 1 every 2 s; cursors: 4, then 10 a second. */
  private static final RateLimits.Settings SETTINGS =
      new RateLimits.Settings(new Rate(3, 1), new Rate(2, 0.5), new Rate(4, 10));

  private final RateLimits limits = new RateLimits(SETTINGS);

  private void drain(String userId, Kind kind, int count, Instant now) {
    for (int i = 0; i < count; i++) {
      assertThat(limits.tryTake(userId, kind, now).granted()).as("%s %s %d", userId, kind, i).isTrue();
    }
    assertThat(limits.tryTake(userId, kind, now).granted()).isFalse();
  }

  @Test
  void eachKindHasItsOwnBurstAndRate() {
    drain("ann", Kind.COMMANDS, 3, T0);
    drain("ann", Kind.CHAT, 2, T0);
    drain("ann", Kind.CURSORS, 4, T0);

    assertThat(limits.tryTake("ann", Kind.COMMANDS, T0).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(limits.tryTake("ann", Kind.CHAT, T0).retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(limits.tryTake("ann", Kind.CURSORS, T0).retryAfter()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void usersAreIndependent() {
    drain("ann", Kind.COMMANDS, 3, T0);

    assertThat(limits.tryTake("bob", Kind.COMMANDS, T0).granted()).isTrue();
    assertThat(limits.tryTake("ann", Kind.COMMANDS, T0).granted()).isFalse();
  }

  @Test
  void bucketsAreCreatedOnAUsersFirstAction() {
    assertThat(limits.trackedUsers()).isZero();
    limits.tryTake("ann", Kind.CURSORS, T0);
    assertThat(limits.tracks("ann")).isTrue();
    assertThat(limits.tracks("bob")).isFalse();
    assertThat(limits.trackedUsers()).isEqualTo(1);
  }

  @Test
  void aUserThatLeavesWithFullBucketsIsForgottenAtOnce() {
    limits.tryTake("ann", Kind.COMMANDS, T0);
    limits.userLeft("ann", T0.plusSeconds(1));
    assertThat(limits.trackedUsers()).isZero();
    limits.userLeft("nobody", T0);
    assertThat(limits.trackedUsers()).isZero();
  }

  @Test
  void leavingAndComingBackAtOnceDoesNotRefillTheBuckets() {
    drain("ann", Kind.COMMANDS, 3, T0);
    limits.userLeft("ann", T0);

    assertThat(limits.tracks("ann")).isTrue();
    assertThat(limits.tryTake("ann", Kind.COMMANDS, T0.plusMillis(10)).retryAfter())
        .isEqualTo(Duration.ofMillis(990));
  }

  @Test
  void aUserThatLeftIsForgottenOnceItsBucketsAreFullAgain() {
    drain("ann", Kind.COMMANDS, 3, T0);
    drain("ann", Kind.CHAT, 2, T0);
    limits.tryTake("bob", Kind.COMMANDS, T0);
    limits.tryTake("cid", Kind.COMMANDS, T0);
    limits.userLeft("ann", T0);
    assertThat(limits.trackedUsers()).isEqualTo(3);

    // commands are full after 3 s, chat only after 4 s: the next departure sweeps ann
    limits.userLeft("bob", T0.plusSeconds(3));
    assertThat(limits.tracks("ann")).isTrue();
    assertThat(limits.tracks("bob")).isFalse();
    limits.userLeft("cid", T0.plusSeconds(4));
    assertThat(limits.trackedUsers()).isZero();
  }

  @Test
  void aUserThatComesBackIsNoLongerSweptAway() {
    drain("ann", Kind.COMMANDS, 3, T0);
    limits.userLeft("ann", T0);
    limits.tryTake("ann", Kind.CURSORS, T0.plusSeconds(1)); // back, and active

    limits.userLeft("bob", T0.plusSeconds(10));

    assertThat(limits.tracks("ann")).isTrue();
  }

  @Test
  void theDefaultsOfReferenceConf() {
    RateLimits.Settings defaults =
        RateLimits.Settings.fromConfig(TestConfig.parley().getConfig("limits.rates"));
    assertThat(defaults.commands()).isEqualTo(new Rate(20, 10));
    assertThat(defaults.chat()).isEqualTo(new Rate(5, 1));
    assertThat(defaults.cursors()).isEqualTo(new Rate(30, 20));
    assertThat(defaults.of(Kind.CHAT)).isEqualTo(defaults.chat());
  }

  @Test
  void fractionalRatesAreReadFromConfig() {
    Rate rate = Rate.fromConfig(ConfigFactory.parseString("burst = 2, per-second = 0.25"));
    assertThat(rate).isEqualTo(new Rate(2, 0.25));
  }
}
