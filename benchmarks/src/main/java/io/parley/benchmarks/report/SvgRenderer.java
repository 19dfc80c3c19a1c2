package io.parley.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYDataset;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/** Draws a {@link LineChart} with JFreeChart and writes it as a standalone SVG file (JFreeSVG). */
final class SvgRenderer {

  static final int WIDTH = 640;
  static final int HEIGHT = 380;
  private static final String FONT = Font.SANS_SERIF;
  private static final Color TEXT = new Color(0x333333);
  private static final Color GRID = new Color(0xe4e4e4);
  private static final Color WINDOW = new Color(0xdbe9f7);
  private static final Color NONE = new Color(0, 0, 0, 0);
  private static final Shape DOT = new Ellipse2D.Double(-3.2, -3.2, 6.4, 6.4);

  static {
    // Its default draws rotated text (the y axis titles) through TextLayout, which JFreeSVG can
    // only write as glyph outlines: kilobytes of paths per title instead of one <text>. The
    // workaround is for a rotated-text bug of old JDKs' Java2D; SVG text is drawn by the viewer.
    TextUtils.setUseDrawRotatedStringWorkaround(false);
  }

  private SvgRenderer() {}

  /**
   * The SVG document of a chart. {@code id} prefixes the ids inside it, so that regenerating a
   * chart from the same result gives the same file (JFreeSVG's default prefix is a clock value).
   */
  static String render(LineChart chart, String id) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    g.setDefsKeyPrefix(id + "-");
    // a tenth of a pixel: finer than a screen shows, in far fewer bytes than full doubles
    g.setGeomDoubleConverter(v -> String.format(Locale.ROOT, "%.1f", v));
    build(chart).draw(g, new Rectangle(WIDTH, HEIGHT));
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + g.getSVGElement(null, true, new ViewBox(0, 0, WIDTH, HEIGHT), null, null) + "\n";
  }

  private static JFreeChart build(LineChart chart) {
    List<Series> drawn = chart.drawn();
    List<Series> left = drawn.stream().filter(s -> !s.rightAxis()).toList();
    List<Series> right = drawn.stream().filter(Series::rightAxis).toList();

    XYPlot plot = new XYPlot();
    plot.setDomainAxis(axis(chart.xTitle(), chart.xLog(), chart.xFromZero()));
    plot.setRangeAxis(0, axis(chart.leftTitle(), chart.leftLog(), true));
    plot.setDataset(0, dataset(left, ""));
    plot.setRenderer(0, new Lines(left));
    if (!right.isEmpty()) {
      plot.setRangeAxis(1, axis(chart.rightTitle(), false, true));
      // the legend tells which unit a line is in
      plot.setDataset(1, dataset(right, " (right axis)"));
      plot.setRenderer(1, new Lines(right));
      plot.mapDatasetToRangeAxis(1, 1);
    }
    for (LineChart.Band b : chart.bands()) {
      plot.addDomainMarker(band(b), Layer.BACKGROUND);
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlinePaint(Color.GRAY);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));

    JFreeChart c = new JFreeChart(chart.title(), new Font(FONT, Font.BOLD, 14), plot, true);
    c.setBackgroundPaint(Color.WHITE);
    c.getTitle().setPaint(TEXT);
    if (!chart.subtitle().isEmpty()) {
      TextTitle subtitle = new TextTitle(chart.subtitle(), new Font(FONT, Font.PLAIN, 11));
      subtitle.setPaint(Color.DARK_GRAY);
      c.addSubtitle(subtitle);
    }
    c.getLegend().setItemFont(new Font(FONT, Font.PLAIN, 11));
    c.getLegend().setItemPaint(TEXT);
    return c;
  }

  /**
   * A number axis, or a log one with plain labels: JFreeChart's LogAxis writes its "10²" labels
   * as glyph outlines in SVG, LogarithmicAxis as text.
   */
  private static NumberAxis axis(String title, boolean log, boolean fromZero) {
    NumberAxis axis;
    if (log) {
      LogarithmicAxis logAxis = new LogarithmicAxis(title + " (log scale)");
      logAxis.setAutoRangeNextLogFlag(true); // from decade to decade: both ends labelled
      axis = logAxis;
    } else {
      axis = new NumberAxis(title);
      axis.setAutoRangeIncludesZero(fromZero);
    }
    axis.setTickMarksVisible(false); // the grid lines say where the ticks are; a third fewer lines
    axis.setLabelFont(new Font(FONT, Font.PLAIN, 12));
    axis.setLabelPaint(TEXT);
    axis.setTickLabelFont(new Font(FONT, Font.PLAIN, 11));
    axis.setTickLabelPaint(TEXT);
    return axis;
  }

  private static DefaultXYDataset dataset(List<Series> series, String legendSuffix) {
    DefaultXYDataset d = new DefaultXYDataset();
    for (Series s : series) {
      double[][] xy = new double[2][s.points().size()];
      for (int i = 0; i < xy[0].length; i++) {
        xy[0][i] = s.points().get(i).x();
        xy[1][i] = s.points().get(i).y();
      }
      d.addSeries(s.name() + legendSuffix, xy);
    }
    return d;
  }

  private static IntervalMarker band(LineChart.Band b) {
    IntervalMarker m = new IntervalMarker(b.from(), b.to(), b.shaded() ? WINDOW : NONE);
    m.setLabel(b.label());
    m.setLabelFont(new Font(FONT, Font.PLAIN, 10));
    m.setLabelPaint(new Color(0x4a6785));
    m.setLabelBackgroundColor(NONE);
    m.setLabelAnchor(RectangleAnchor.TOP);
    m.setLabelTextAnchor(TextAnchor.TOP_CENTER);
    return m;
  }

  /** Lines in each series' colour and dash, dots where asked for and on lone points. */
  private static final class Lines extends XYLineAndShapeRenderer {
    private final List<Series> series;

    Lines(List<Series> series) {
      super(true, false);
      this.series = series;
      setDrawSeriesLineAsPath(true); // one <path> per series, not one <line> per segment
      setDrawOutlines(false);
      for (int i = 0; i < series.size(); i++) {
        Series s = series.get(i);
        setSeriesPaint(i, s.color());
        setSeriesShape(i, DOT);
        setSeriesStroke(i, s.isDashed()
            ? new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6, 4}, 0)
            : new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
      }
    }

    @Override
    public boolean getItemShapeVisible(int s, int item) {
      return series.get(s).markers() || series.get(s).isLone(item);
    }
  }
}
