package io.parley.benchmarks.report;

/** A finished chart: the SVG file it is written to (in the charts folder) and its markup. */
record Chart(String fileName, String title, String svg) {

  static Chart of(String fileName, LineChart chart, String title) {
    return new Chart(fileName, title, SvgRenderer.render(chart, fileName.replaceFirst("\\.svg$", "")));
  }
}
