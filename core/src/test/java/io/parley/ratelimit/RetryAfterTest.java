package io.parley.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A wait in whole milliseconds, rounded up. The property (whole millis unchanged, any fraction up)
 * runs over seeded random waits, so a failure repeats; jqwik is not a dependency of core.
 */
class RetryAfterTest {

  private static final BigInteger NANOS_PER_MILLI = BigInteger.valueOf(1_000_000);

  /** The rounded-up millis of {@code wait}, computed on its exact nanoseconds. */
  private static long ceilMillis(Duration wait) {
    BigInteger nanos =
        BigInteger.valueOf(wait.getSeconds())
            .multiply(BigInteger.valueOf(1_000_000_000))
            .add(BigInteger.valueOf(wait.getNano()));
    BigInteger[] division = nanos.divideAndRemainder(NANOS_PER_MILLI);
    return division[1].signum() == 0
        ? division[0].longValueExact()
        : division[0].add(BigInteger.ONE).longValueExact();
  }

  @ParameterizedTest(name = "{0} s + {1} ns is {2} ms")
  @CsvSource({
    "0, 0, 0",
    "0, 1, 1",
    "0, 999999, 1",
    "0, 1000000, 1",
    "0, 1000001, 2",
    "0, 333333333, 334",
    "1, 0, 1000",
    "1, 1, 1001",
    "2, 999000000, 2999",
    "2, 999000001, 3000",
    "86400, 500000, 86400001",
  })
  void wholeMillisAreKeptAndAnyFractionRoundsUp(long seconds, long nanos, long millis) {
    assertThat(RetryAfter.millis(Duration.ofSeconds(seconds, nanos))).isEqualTo(millis);
  }

  @Test
  void wholeMillisAreUnchanged() {
    SplittableRandom random = new SplittableRandom(20250601);
    for (int i = 0; i < 10_000; i++) {
      long millis = random.nextLong(0, 1_000_000_000_000L);
      assertThat(RetryAfter.millis(Duration.ofMillis(millis))).as("%d ms", millis).isEqualTo(millis);
    }
  }

  @Test
  void anyFractionOfAMillisecondRoundsUpToTheNextWholeOne() {
    SplittableRandom random = new SplittableRandom(20250602);
    for (int i = 0; i < 10_000; i++) {
      long millis = random.nextLong(0, 1_000_000_000_000L);
      long fraction = random.nextLong(1, 1_000_000);
      Duration wait = Duration.ofMillis(millis).plusNanos(fraction);
      assertThat(RetryAfter.millis(wait)).as("%s", wait).isEqualTo(millis + 1);
    }
  }

  @Test
  void anyWaitIsItsExactNanosecondsDividedAndRoundedUp() {
    SplittableRandom random = new SplittableRandom(20250603);
    for (int i = 0; i < 10_000; i++) {
      Duration wait = Duration.ofSeconds(random.nextLong(0, 1_000_000_000L), random.nextLong(0, 1_000_000_000L));
      long told = RetryAfter.millis(wait);
      assertThat(told).as("%s", wait).isEqualTo(ceilMillis(wait));
      assertThat(Duration.ofMillis(told)).as("a client waiting %d ms is in time", told).isGreaterThanOrEqualTo(wait);
      assertThat(Duration.ofMillis(told - 1)).as("and not a whole millisecond late").isLessThan(wait);
    }
  }
}
