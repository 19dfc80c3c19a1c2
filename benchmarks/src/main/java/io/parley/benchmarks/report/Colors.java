package io.parley.benchmarks.report;

/** Okabe–Ito colours: told apart with the common colour-vision deficiencies, and in print. */
final class Colors {
  static final String BLUE = "#0072B2";
  static final String ORANGE = "#E69F00";
  static final String GREEN = "#009E73";
  static final String VERMILLION = "#D55E00";
  static final String PURPLE = "#CC79A7";
  static final String SKY = "#56B4E9";
  static final String GREY = "#666666";

  private Colors() {}
}
