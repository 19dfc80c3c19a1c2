package io.parley.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AxisTest {

  @Test
  void linearTicksAreOneTwoFiveStepsEndingOnTheDomain() {
    Axis a = Axis.linear(0, 97);

    assertThat(a.log()).isFalse();
    assertThat(a.ticks()).containsExactly(0.0, 20.0, 40.0, 60.0, 80.0, 100.0);
    assertThat(a.min()).isEqualTo(0);
    assertThat(a.max()).isEqualTo(100);
  }

  @Test
  void smallStepsHaveNoFloatingPointNoise() {
    Axis a = Axis.linear(0, 0.7);

    assertThat(a.ticks()).containsExactly(0.0, 0.2, 0.4, 0.6, 0.8); // 3 * 0.2 = 0.6000000000000001
    assertThat(a.ticks()).extracting(Axis::label).containsExactly("0", "0.2", "0.4", "0.6", "0.8");
  }

  @Test
  void countsAndCoresStartAtZero() {
    Axis a = Axis.fit(1000, 5000, true, true); // 5x: not wide, linear

    assertThat(a.log()).isFalse();
    assertThat(a.ticks()).containsExactly(0.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0);
  }

  @Test
  void wideRangesGetALogAxisWithOneTwoFiveTicksUpToThreeDecades() {
    Axis a = Axis.fit(36, 15_843, true, true);

    assertThat(a.log()).isTrue();
    assertThat(a.ticks()).containsExactly(20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0);
  }

  @Test
  void widerLogRangesTickOnDecadesOnly() {
    Axis a = Axis.fit(0.5, 213_430.9, true, true);

    assertThat(a.ticks()).containsExactly(0.1, 1.0, 10.0, 100.0, 1000.0, 1e4, 1e5, 1e6);
    assertThat(a.minorTicks()).contains(0.2, 0.5, 2.0, 5e5).doesNotContain(1.0, 2e6);
    assertThat(a.fraction(1000)).isCloseTo(4 / 7.0, within(1e-9));
    assertThat(a.fraction(0)).as("no place for zero on a log axis").isNaN();
  }

  @Test
  void aLogAxisFitsTightlyAroundItsData() {
    Axis a = Axis.log(41.3, 213_430.9); // W5: recovery medians

    assertThat(a.min()).isEqualTo(10);
    assertThat(a.max()).isEqualTo(1e6);
    assertThat(Axis.log(3, 7).ticks()).containsExactly(2.0, 5.0, 10.0);
    assertThat(Axis.log(10, 10).ticks()).containsExactly(10.0, 20.0);
  }

  @Test
  void veryWideLogRangesTickOnEveryOtherDecadeAndStillCoverTheData() {
    Axis a = Axis.log(1, 5e9);

    assertThat(a.ticks()).containsExactly(1.0, 100.0, 1e4, 1e6, 1e8, 1e10);
    assertThat(a.minorTicks()).containsExactly(10.0, 1000.0, 1e5, 1e7, 1e9);
  }

  @Test
  void logIsNotUsedWhenNotAllowedOrWithZeroes() {
    assertThat(Axis.fit(1, 1000, true, false).log()).isFalse();
    assertThat(Axis.fit(0, 1000, true, true).log()).isFalse();
  }

  @Test
  void oneValueOrNoneStillGivesAnAxis() {
    assertThat(Axis.linear(5, 5).ticks()).hasSizeGreaterThan(1);
    assertThat(Axis.fit(0, 0, true, true).ticks()).containsExactly(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
    assertThat(Axis.fit(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, false, true).ticks())
        .isNotEmpty();
  }

  @Test
  void labelsAreShort() {
    assertThat(Axis.label(0.05)).isEqualTo("0.05");
    assertThat(Axis.label(250)).isEqualTo("250");
    assertThat(Axis.label(2500)).isEqualTo("2,500");
    assertThat(Axis.label(20_000)).isEqualTo("20k");
    assertThat(Axis.label(197_500)).isEqualTo("197.5k");
    assertThat(Axis.label(1_500_000)).isEqualTo("1.5M");
  }
}
