package io.parley.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.benchmarks.report.Series.Point;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineChartTest {

  private static Series line(double... ys) {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < ys.length; i++) {
      points.add(new Point(i + 1, ys[i]));
    }
    return Series.of("s", Colors.BLUE, points);
  }

  private static LineChart chart(Series... series) {
    LineChart c = new LineChart("t").xAxis("x", true, true).leftAxis("y", true);
    for (Series s : series) {
      c.add(s);
    }
    return c;
  }

  @Test
  void aLeftAxisSpanningFiftyFoldOrMoreIsLog() {
    assertThat(chart(line(36, 15_843)).leftLog()).isTrue();
    assertThat(chart(line(36, 1_000)).leftLog()).as("28x").isFalse();
  }

  @Test
  void zeroesOrSecondsWithoutValuesDecideNothingTheyCannotShow() {
    assertThat(chart(line(0, 1_000)).leftLog()).as("no place for zero on a log axis").isFalse();
    assertThat(chart(line(10, Double.NaN, 20)).leftLog()).isFalse();
  }

  @Test
  void onlyTheLeftSeriesDecideTheLeftAxisAndOnlyWhenAllowed() {
    assertThat(chart(line(10, 20), line(0.1, 900).onRightAxis()).leftLog()).isFalse();
    assertThat(new LineChart("t").leftAxis("cores", false).add(line(1, 1_000)).leftLog()).isFalse();
  }

  @Test
  void theXAxisIsLogWhenItsValuesWithAPointSpanWidely() {
    Series rooms = Series.of("p99", Colors.BLUE,
        List.of(new Point(10, 5), new Point(50, 6), new Point(1000, 9), new Point(0.001, Double.NaN)));

    assertThat(chart(rooms).xLog()).isTrue();
    assertThat(chart(line(1, 2, 3)).xLog()).isFalse();
  }

  @Test
  void emptySeriesAreNotDrawn() {
    LineChart c = chart(line(Double.NaN, Double.NaN), line(1, 2));

    assertThat(c.drawn()).hasSize(1);
    assertThat(chart(line(Double.NaN)).hasValues()).isFalse();
  }

  @Test
  void aValueWithoutNeighboursIsLone() {
    Series s = line(5, Double.NaN, 7, 8, Double.NaN);

    assertThat(s.isLone(0)).isTrue();
    assertThat(s.isLone(1)).as("no value").isFalse();
    assertThat(s.isLone(2)).isFalse();
    assertThat(s.isLone(3)).isFalse();
  }
}
