package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PageSizeTest {

  @Test
  void aWholeNumberWithinBoundsOrTheDefault() {
    assertThat(PageSize.of(Optional.empty(), 50, 100)).contains(50);
    assertThat(PageSize.of(Optional.of("1"), 50, 100)).contains(1);
    assertThat(PageSize.of(Optional.of("100"), 50, 100)).contains(100);
    assertThat(PageSize.of(Optional.of("0"), 50, 100)).isEmpty();
    assertThat(PageSize.of(Optional.of("101"), 50, 100)).isEmpty();
    assertThat(PageSize.of(Optional.of("-3"), 50, 100)).isEmpty();
    assertThat(PageSize.of(Optional.of("2.5"), 50, 100)).isEmpty();
    assertThat(PageSize.of(Optional.of("99999999999"), 50, 100)).isEmpty();
    assertThat(PageSize.of(Optional.of(""), 50, 100)).isEmpty();
  }
}
