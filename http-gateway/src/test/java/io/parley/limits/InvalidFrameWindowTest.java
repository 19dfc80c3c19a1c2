package io.parley.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InvalidFrameWindowTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void moreThanTheMaximumWithinTheWindowIsAViolation() {
    InvalidFrameWindow window = new InvalidFrameWindow(3, Duration.ofSeconds(10));
    assertThat(window.record(0)).isFalse();
    assertThat(window.record(SECOND)).isFalse();
    assertThat(window.record(2 * SECOND)).isFalse();
    assertThat(window.record(3 * SECOND)).isTrue();
  }

  @Test
  void theCountStartsAgainInANewWindow() {
    InvalidFrameWindow window = new InvalidFrameWindow(2, Duration.ofSeconds(10));
    window.record(0);
    window.record(SECOND);
    assertThat(window.record(11 * SECOND)).isFalse();
    assertThat(window.record(12 * SECOND)).isFalse();
    assertThat(window.record(13 * SECOND)).isTrue();
  }
}
