package io.parley.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The new-connection limit is a sliding window, exactly: whatever the arrival times, no
 * window-long span admits more than the limit from one address, and an attempt is refused only
 * when the window before it already holds the limit.
 */
class ConnectionLimiterProperties {

  record Arrival(long millis, String address) {}

  @Property(tries = 500)
  void noWindowLongSpanAdmitsMoreThanTheLimitAndNoAttemptIsRefusedWithoutCause(
      @ForAll @IntRange(min = 1, max = 8) int limit,
      @ForAll @IntRange(min = 1, max = 4_000) int windowMillis,
      @ForAll("arrivals") List<Arrival> arrivals) {
    AtomicLong now = new AtomicLong();
    ConnectionLimiter limiter =
        new ConnectionLimiter(
            new ConnectionLimits(Integer.MAX_VALUE, limit, Duration.ofMillis(windowMillis), 1), now::get);
    Map<String, List<Long>> admitted = new HashMap<>();
    Map<String, List<Long>> refused = new HashMap<>();

    for (Arrival arrival : arrivals) {
      now.set(TimeUnit.MILLISECONDS.toNanos(arrival.millis()));
      ConnectionLimiter.Admission admission = limiter.admit(arrival.address());
      admission.lease().ifPresent(ConnectionLimiter.Lease::release);
      (admission.lease().isPresent() ? admitted : refused)
          .computeIfAbsent(arrival.address(), a -> new ArrayList<>())
          .add(arrival.millis());
    }

    admitted.forEach(
        (address, times) -> {
          for (long start : times) {
            assertThat(count(times, start, start + windowMillis))
                .as("admissions from %s in [%d, %d) ms", address, start, start + windowMillis)
                .isLessThanOrEqualTo(limit);
          }
        });
    refused.forEach(
        (address, times) -> {
          List<Long> admittedFromIt = admitted.getOrDefault(address, List.of());
          for (long at : times) {
            assertThat(count(admittedFromIt, at - windowMillis + 1, at + 1))
                .as("admissions from %s in the window before the refusal at %d ms", address, at)
                .isEqualTo(limit);
          }
        });
  }

  /** Arrivals in time order from a few addresses, often at the same instant or a window apart. */
  @Provide
  Arbitrary<List<Arrival>> arrivals() {
    Arbitrary<Arrival> arrival =
        Combinators.combine(
                Arbitraries.longs().between(0, 20_000), Arbitraries.of("10.0.0.1", "10.0.0.2", "::1"))
            .as(Arrival::new);
    return arrival
        .list()
        .ofMaxSize(300)
        .map(list -> list.stream().sorted(Comparator.comparingLong(Arrival::millis)).toList());
  }

  /** How many of {@code times} fall in [from, to). */
  private static long count(List<Long> times, long from, long to) {
    return times.stream().filter(t -> t >= from && t < to).count();
  }
}
