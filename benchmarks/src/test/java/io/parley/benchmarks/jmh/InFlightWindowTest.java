package io.parley.benchmarks.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {

  @Test
  void aFullWindowWaitsForAnOutcome() throws Exception {
    InFlightWindow window = new InFlightWindow(2);
    window.enter();
    window.enter();

    CompletableFuture<Void> third =
        CompletableFuture.runAsync(
            () -> {
              try {
                window.enter();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    assertThat(third).isNotDone();

    window.complete();
    third.get(5, TimeUnit.SECONDS);
    window.complete();
    window.complete();
    window.drain();
  }

  @Test
  void aFailedMessageFailsTheNextStep() throws Exception {
    InFlightWindow window = new InFlightWindow(4);
    window.enter();
    window.fail("command c1 rejected: RATE_LIMITED");

    assertThatThrownBy(window::drain).hasMessageContaining("c1 rejected");
    assertThatThrownBy(window::enter).hasMessageContaining("c1 rejected");
  }
}
