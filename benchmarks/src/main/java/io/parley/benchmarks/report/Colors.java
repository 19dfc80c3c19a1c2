package io.parley.benchmarks.report;

import java.awt.Color;

/** Okabe–Ito colours: told apart with the common colour-vision deficiencies, and in print. */
final class Colors {
  static final Color BLUE = new Color(0x0072B2);
  static final Color ORANGE = new Color(0xE69F00);
  static final Color GREEN = new Color(0x009E73);
  static final Color VERMILLION = new Color(0xD55E00);
  static final Color PURPLE = new Color(0xCC79A7);
  static final Color SKY = new Color(0x56B4E9);
  static final Color GREY = new Color(0x666666);

  private Colors() {}
}
