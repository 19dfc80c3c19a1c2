package io.parley.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
  void idleAddressesAreForgotten() {
    limiter.admit("10.0.0.1").lease().orElseThrow().release();
    assertThat(limiter.trackedAddresses()).isEqualTo(1);
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    ConnectionLimiter.Lease lease = limiter.admit("10.0.0.1").lease().orElseThrow();
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    lease.release();
    assertThat(limiter.trackedAddresses()).isZero();
  }
}
