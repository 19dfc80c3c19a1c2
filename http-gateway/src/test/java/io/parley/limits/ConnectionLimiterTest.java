package io.parley.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

  private final AtomicLong now = new AtomicLong();
  private final ConnectionLimiter limiter =
      new ConnectionLimiter(new ConnectionLimits(2, 3, Duration.ofSeconds(10), 2), now::get);

  @Test
  void anAddressMayHoldOnlySoManyConnectionsAtOnce() {
    ConnectionLimiter.Lease first = limiter.admit("10.0.0.1").lease().orElseThrow();
    limiter.admit("10.0.0.1").lease().orElseThrow();
    ConnectionLimiter.Admission third = limiter.admit("10.0.0.1");
    assertThat(third.lease()).isEmpty();
    assertThat(third.refusal().orElseThrow()).contains("open connections");
    assertThat(limiter.admit("10.0.0.2").lease()).isPresent();

    first.release();
    assertThat(limiter.admit("10.0.0.1").lease()).isPresent();
  }

  @Test
  void anAddressMayOpenOnlySoManyConnectionsPerWindow() {
    for (int i = 0; i < 3; i++) {
      limiter.admit("10.0.0.1").lease().orElseThrow().release();
    }
    ConnectionLimiter.Admission fourth = limiter.admit("10.0.0.1");
    assertThat(fourth.refusal().orElseThrow()).contains("new connections");

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(limiter.admit("10.0.0.1").lease()).isPresent();
  }

  @Test
  void theWindowSlidesSoNoWindowLongSpanAdmitsMoreThanTheLimit() {
    assertThat(admittedAt(0)).isTrue();
    assertThat(admittedAt(1_000)).isTrue();
    assertThat(admittedAt(2_000)).isTrue();
    assertThat(admittedAt(9_900)).isFalse();

    assertThat(admittedAt(10_000)).as("the first admission left the window").isTrue();
    assertThat(admittedAt(10_500))
        .as("a window starting afresh at 10 s would let three more through")
        .isFalse();
    assertThat(admittedAt(11_000)).isTrue();
    assertThat(admittedAt(11_999)).isFalse();
    assertThat(admittedAt(12_000)).isTrue();
  }

  @Test
  void refusedAttemptsDoNotCount() {
    for (int i = 0; i < 3; i++) {
      assertThat(admittedAt(0)).isTrue();
    }
    for (int i = 0; i < 100; i++) {
      assertThat(admittedAt(5_000)).isFalse();
    }
    assertThat(admittedAt(10_000)).isTrue();
  }

  @Test
  void concurrentAdmissionsFromOneAddressNeverExceedTheLimit() throws Exception {
    ConnectionLimiter busy =
        new ConnectionLimiter(new ConnectionLimits(1_000, 30, Duration.ofSeconds(10), 2), now::get);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> admitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        admitted.add(
            pool.submit(
                () -> {
                  start.await();
                  int count = 0;
                  for (int i = 0; i < 50; i++) {
                    count += busy.admit("10.0.0.1").lease().isPresent() ? 1 : 0;
                  }
                  return count;
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> count : admitted) {
        total += count.get(10, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(30);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aUserMayHoldOnlySoManyConnectionsAndReleasingFreesThem() {
    ConnectionLimiter.Lease a = limiter.admit("10.0.0.1").lease().orElseThrow();
    ConnectionLimiter.Lease b = limiter.admit("10.0.0.2").lease().orElseThrow();
    ConnectionLimiter.Lease c = limiter.admit("10.0.0.3").lease().orElseThrow();
    assertThat(a.bindUser("ann")).isTrue();
    assertThat(b.bindUser("ann")).isTrue();
    assertThat(c.bindUser("ann")).isFalse();
    assertThat(c.bindUser("bob")).isTrue();

    a.release();
    a.release();
    ConnectionLimiter.Lease d = limiter.admit("10.0.0.4").lease().orElseThrow();
    assertThat(d.bindUser("ann")).isTrue();
  }

  @Test
  void idleAddressesAreSweptOnceManyAreTracked() {
    for (int i = 0; i <= 10_000; i++) {
      limiter.admit("10.1." + i).lease().orElseThrow().release();
    }
    assertThat(limiter.trackedAddresses()).isEqualTo(10_001);
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    limiter.admit("10.2.0.1").lease().orElseThrow();
    assertThat(limiter.trackedAddresses()).isEqualTo(1);
  }

  @Test
  void idleAddressesAreForgotten() {
    limiter.admit("10.0.0.1").lease().orElseThrow().release();
    assertThat(limiter.trackedAddresses()).isEqualTo(1);
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    ConnectionLimiter.Lease lease = limiter.admit("10.0.0.1").lease().orElseThrow();
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    lease.release();
    assertThat(limiter.trackedAddresses()).isZero();
  }

  /** Tries a connection from one address at {@code millis}, and lets it go at once if admitted. */
  private boolean admittedAt(long millis) {
    now.set(TimeUnit.MILLISECONDS.toNanos(millis));
    Optional<ConnectionLimiter.Lease> lease = limiter.admit("10.0.0.1").lease();
    lease.ifPresent(ConnectionLimiter.Lease::release);
    return lease.isPresent();
  }
}
