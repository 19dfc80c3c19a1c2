package io.parley.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InvalidFrameWindowTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void moreThanTheMaximumWithinTheWindowIsAViolation() {
    InvalidFrameWindow window = new InvalidFrameWindow(3, Duration.ofSeconds(10));
    assertThat(window.record(T0)).isFalse();
    assertThat(window.record(T0.plusSeconds(1))).isFalse();
    assertThat(window.record(T0.plusSeconds(2))).isFalse();
    assertThat(window.record(T0.plusSeconds(3))).isTrue();
  }

  @Test
  void theCountStartsAgainInANewWindow() {
    InvalidFrameWindow window = new InvalidFrameWindow(2, Duration.ofSeconds(10));
    window.record(T0);
    window.record(T0.plusSeconds(1));
    assertThat(window.record(T0.plusSeconds(11))).isFalse();
    assertThat(window.record(T0.plusSeconds(12))).isFalse();
    assertThat(window.record(T0.plusSeconds(13))).isTrue();
  }
}
