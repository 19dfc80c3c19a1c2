package io.parley.benchmarks.report;

import java.util.Locale;

/** Writes SVG markup: escapes text, formats numbers the same way whatever the locale. */
final class Svg {

  private final StringBuilder b = new StringBuilder();

  void open(int width, int height, String title, String font) {
    raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
        + " role=\"img\" font-family=\"%s\">", width, height, width, height, escape(font));
    b.append("<title>").append(escape(title)).append("</title>\n");
  }

  void close() {
    b.append("</svg>\n");
  }

  /** A line of markup; %s arguments must already be safe (numbers, colours, escaped text). */
  void raw(String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  void text(double x, double y, String text, String attributes) {
    b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attributes))
        .append(escape(text))
        .append("</text>\n");
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
