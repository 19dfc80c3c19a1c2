package io.parley.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Metrics;
import io.parley.testing.ParleyNode;
import io.parley.testing.Promtool;
import io.parley.testing.TestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grafana dashboard ({@code docs/grafana/parley.json}) and the alert rules ({@code
 * docs/prometheus/parley-alerts.yml}) query only metrics a real node exposes, the dashboard
 * shows every metric of Parley's own, and the rules pass {@code promtool check rules}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {

  private static final Path DOCS = Path.of("..", "docs");
  private static final Path DASHBOARD = DOCS.resolve("grafana/parley.json");
  private static final Path ALERTS = DOCS.resolve("prometheus/parley-alerts.yml");

  /** A metric name in a PromQL expression: the families a node exposes. */
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:parley|jvm|process|system)_[a-z0-9_]+)\\b");

  private static final Pattern SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");

  @RegisterExtension final ParleyNode node = new ParleyNode();

  private Set<String> exposed;

  @BeforeAll
  void scrape() {
    // the garbage collection meters exist once the JVM collected (the node runs in this JVM)
    System.gc();
    exposed = Metrics.scrape(node.managementPort()).names();
  }

  @Test
  void everyPanelIsDescribedAndQueriesMetricsANodeExposes() throws IOException {
    JsonNode dashboard = TestClient.JSON.readTree(Files.readString(DASHBOARD));
    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(panels::add);
    List<JsonNode> graphs = panels.stream().filter(p -> !"row".equals(p.path("type").asText())).toList();
    assertThat(graphs).hasSizeGreaterThanOrEqualTo(20);
    for (JsonNode panel : graphs) {
      assertThat(panel.path("title").asText()).isNotBlank();
      assertThat(panel.path("description").asText()).as(panel.path("title").asText()).isNotBlank();
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
    }
    Set<String> queried = metricsIn(expressions(dashboard));
    assertThat(queried).isNotEmpty();
    assertThat(exposed).as("metrics of the dashboard a node exposes").containsAll(queried);

    Set<String> ownFamilies = new TreeSet<>();
    exposed.stream()
        .filter(name -> name.startsWith("parley_"))
        .map(name -> SUFFIX.matcher(name).replaceAll(""))
        .forEach(ownFamilies::add);
    String text = Files.readString(DASHBOARD);
    assertThat(ownFamilies)
        .as("every metric of Parley's own has a panel")
        .allSatisfy(family -> assertThat(text).contains(family));
  }

  @Test
  void theAlertRulesPassPromtoolAndQueryMetricsANodeExposes() throws IOException {
    Promtool.Result check = Promtool.checkRules(ALERTS.toAbsolutePath());
    assertThat(check.exitStatus()).as("promtool check rules:\n" + check.output()).isZero();
    List<String> expressions = new ArrayList<>();
    for (String line : Files.readAllLines(ALERTS)) {
      String trimmed = line.trim();
      if (trimmed.startsWith("expr:")) {
        expressions.add(trimmed.substring("expr:".length()));
      }
    }
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);
    assertThat(exposed).as("metrics of the alert rules a node exposes").containsAll(metricsIn(expressions));
  }

  private static List<String> expressions(JsonNode node) {
    List<String> found = new ArrayList<>();
    collect(node, found);
    return found;
  }

  private static void collect(JsonNode node, List<String> found) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getValue().isTextual()
                    && List.of("expr", "query", "definition").contains(field.getKey())) {
                  found.add(field.getValue().asText());
                } else {
                  collect(field.getValue(), found);
                }
              });
    } else if (node.isArray()) {
      node.forEach(element -> collect(element, found));
    }
  }

  private static Set<String> metricsIn(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher matcher = METRIC.matcher(expression);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }
}
