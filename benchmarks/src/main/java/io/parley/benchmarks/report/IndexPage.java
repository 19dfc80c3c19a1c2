package io.parley.benchmarks.report;

import java.util.List;

/**
 * index.html beside the charts: every chart under its section and heading, by reference to its
 * file (inline, 48 charts would make a page of megabytes), with no scripts or external styles,
 * so it opens from the folder as it is.
 */
final class IndexPage {

  /** Charts under a heading, with a line about where they come from (already HTML-escaped). */
  record Group(String heading, String noteHtml, List<Chart> charts) {}

  record Section(String id, String title, String introHtml, List<Group> groups) {
    boolean isEmpty() {
      return groups.stream().allMatch(g -> g.charts().isEmpty()) && introHtml.isEmpty();
    }
  }

  private static final String STYLE =
      """
      body { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif;
             margin: 24px auto; max-width: 1280px; padding: 0 16px; color: #1a1a1a; }
      h1 { font-size: 24px; margin-bottom: 4px; }
      h2 { font-size: 19px; margin-top: 36px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
      h3 { font-size: 15px; margin: 22px 0 4px; }
      p, li { font-size: 14px; line-height: 1.45; }
      .note { color: #555; font-size: 13px; margin: 2px 0 8px; }
      code { font-size: 12px; background: #f4f4f4; padding: 1px 4px; border-radius: 3px; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 14px; }
      figure { margin: 0; border: 1px solid #e2e2e2; border-radius: 4px; padding: 4px; background: #fff; }
      figure img { display: block; width: 100%; height: auto; }
      figcaption { font-size: 12px; color: #666; padding: 2px 4px; }
      figcaption a { color: #0b62a4; }
      """;

  private IndexPage() {}

  static String render(String title, String introHtml, List<Section> sections) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(title)).append("</title>\n")
        .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
        .append("<h1>").append(escape(title)).append("</h1>\n")
        .append("<p class=\"note\">").append(introHtml).append("</p>\n");
    List<Section> shown = sections.stream().filter(s -> !s.isEmpty()).toList();
    b.append("<ul>\n");
    for (Section s : shown) {
      b.append("<li><a href=\"#").append(s.id()).append("\">").append(escape(s.title())).append("</a></li>\n");
    }
    b.append("</ul>\n");
    for (Section s : shown) {
      b.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(escape(s.title())).append("</h2>\n");
      if (!s.introHtml().isEmpty()) {
        b.append("<p class=\"note\">").append(s.introHtml()).append("</p>\n");
      }
      for (Group g : s.groups()) {
        if (g.charts().isEmpty()) {
          continue;
        }
        if (!g.heading().isEmpty()) {
          b.append("<h3>").append(escape(g.heading())).append("</h3>\n");
        }
        if (!g.noteHtml().isEmpty()) {
          b.append("<p class=\"note\">").append(g.noteHtml()).append("</p>\n");
        }
        b.append("<div class=\"grid\">\n");
        for (Chart c : g.charts()) {
          String file = escape(c.fileName());
          b.append("<figure>\n<img src=\"").append(file).append("\" alt=\"").append(escape(c.title()))
              .append("\" loading=\"lazy\">\n<figcaption>").append(escape(c.title()))
              .append(" · <a href=\"").append(file).append("\">").append(file)
              .append("</a></figcaption>\n</figure>\n");
        }
        b.append("</div>\n");
      }
      b.append("</section>\n");
    }
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
