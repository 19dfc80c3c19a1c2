package io.parley.benchmarks.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One axis of a chart: its domain, linear or log10, its labelled ticks, and unlabelled minor
 * ones (grid lines between the decades of a wide log axis). Domains end on ticks, so the plot's
 * edges are labelled.
 */
record Axis(double min, double max, boolean log, List<Double> ticks, List<Double> minorTicks) {

  /**
   * From this ratio of largest to smallest value on, a log axis: a saturated node's p50 and max
   * differ a thousandfold, and on a linear axis everything but the max sits on the floor.
   */
  static final double LOG_FROM_RATIO = 50;

  /** About this many ticks on a linear axis (1-2-5 steps make it 4 to 10). */
  private static final int LINEAR_TICKS = 5;

  /**
   * An axis for values from {@code lo} to {@code hi}: log when allowed, all positive and wide,
   * else linear (from zero when {@code fromZero}, as counts, cores and memory read best).
   */
  static Axis fit(double lo, double hi, boolean fromZero, boolean logAllowed) {
    if (logAllowed && lo > 0 && hi / lo >= LOG_FROM_RATIO) {
      return log(lo, hi);
    }
    return linear(fromZero ? Math.min(0, lo) : lo, fromZero ? Math.max(0, hi) : hi);
  }

  static Axis linear(double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      lo = 0;
      hi = 1;
    } else if (hi <= lo) { // one value: give it room
      double pad = lo == 0 ? 1 : Math.abs(lo) / 10;
      lo -= lo == 0 ? 0 : pad;
      hi += pad;
    }
    double step = niceStep((hi - lo) / LINEAR_TICKS);
    long first = (long) Math.floor(lo / step + 1e-9);
    long last = (long) Math.ceil(hi / step - 1e-9);
    List<Double> ticks = new ArrayList<>();
    for (long i = first; i <= last; i++) {
      ticks.add(clean(i * step));
    }
    return new Axis(ticks.get(0), ticks.get(ticks.size() - 1), false, List.copyOf(ticks), List.of());
  }

  /**
   * From the 1-2-5 value at or below {@code lo} to the one at or above {@code hi}, a tick at each
   * 1, 2 and 5 when that spans up to three decades; wider, labelled decades (every other one
   * beyond eight) with grid lines at 2 and 5 between them: labels stay apart on a 250 px plot.
   */
  static Axis log(double lo, double hi) {
    if (!(lo > 0) || !(hi >= lo)) {
      throw new IllegalArgumentException("log axis needs 0 < lo <= hi: " + lo + ", " + hi);
    }
    List<Double> steps = new ArrayList<>();
    for (int d = (int) Math.floor(Math.log10(lo) + 1e-9); ; d++) {
      for (int m : new int[] {1, 2, 5}) {
        steps.add(clean(m * Math.pow(10, d)));
      }
      if (Math.pow(10, d) >= hi * (1 - 1e-9) && steps.size() > 3) {
        break;
      }
    }
    int from = 0;
    while (from + 1 < steps.size() && steps.get(from + 1) <= lo * (1 + 1e-9)) {
      from++;
    }
    int to = steps.size() - 1;
    while (to - 1 > from && steps.get(to - 1) >= hi * (1 - 1e-9)) {
      to--;
    }
    if (Math.log10(steps.get(to) / steps.get(from)) <= 3 + 1e-9) {
      List<Double> ticks = List.copyOf(steps.subList(from, to + 1));
      return new Axis(ticks.get(0), ticks.get(ticks.size() - 1), true, ticks, List.of());
    }
    int firstDecade = (int) Math.floor(Math.log10(lo) + 1e-9);
    int lastDecade = (int) Math.ceil(Math.log10(hi) - 1e-9);
    int every = lastDecade - firstDecade > 8 ? 2 : 1;
    List<Double> ticks = new ArrayList<>();
    List<Double> minor = new ArrayList<>();
    for (int d = firstDecade; ; d++) {
      boolean labelled = (d - firstDecade) % every == 0;
      (labelled ? ticks : minor).add(clean(Math.pow(10, d)));
      if (d >= lastDecade && labelled) {
        break;
      }
      if (every == 1) {
        minor.add(clean(2 * Math.pow(10, d)));
        minor.add(clean(5 * Math.pow(10, d)));
      }
    }
    return new Axis(ticks.get(0), ticks.get(ticks.size() - 1), true, List.copyOf(ticks), List.copyOf(minor));
  }

  /** 1, 2 or 5 times a power of ten, the smallest not below {@code rough}. */
  static double niceStep(double rough) {
    if (!(rough > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(rough)));
    double f = rough / power;
    double nice = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
    return clean(nice * power);
  }

  /** Where {@code v} falls, 0 at {@link #min} to 1 at {@link #max}; NaN for no place (≤ 0 on log). */
  double fraction(double v) {
    if (log) {
      return v > 0 ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : Double.NaN;
    }
    return (v - min) / (max - min);
  }

  /** A tick label: 0.05, 250, 2,500, 20k, 1.5M. */
  static String label(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) {
      return plain(v / 1e6) + "M";
    }
    if (a >= 1e4) {
      return plain(v / 1e3) + "k";
    }
    String s = plain(v);
    return a >= 1000 && !s.contains(".") ? String.format("%,d", (long) v) : s;
  }

  private static String plain(double v) {
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** 0.30000000000000004 → 0.3: ticks are computed by multiplication. */
  private static double clean(double v) {
    return v == 0 ? 0 : new BigDecimal(v).round(new MathContext(12)).doubleValue();
  }
}
