package io.parley.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the demo overlay adds: one namespace for everything, and a PostgreSQL Parley reaches. */
final class DemoChecks {

  static final String NAMESPACE = "parley-demo";
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

  private DemoChecks() {}

  static List<String> run(List<ObjectNode> docs, AppSettings app) {
    List<String> problems = new ArrayList<>();
    ManifestChecks base = ManifestChecks.run(docs, app);
    problems.addAll(base.problems);
    boolean namespace = false;
    for (ObjectNode d : docs) {
      String kind = d.path("kind").asText();
      String ns = d.path("metadata").path("namespace").asText("");
      if (kind.equals("Namespace")) {
        namespace |= d.path("metadata").path("name").asText().equals(NAMESPACE);
      } else if (!CLUSTER_SCOPED.contains(kind) && !ns.equals(NAMESPACE)) {
        problems.add(kind + " " + d.path("metadata").path("name").asText() + " is not in namespace " + NAMESPACE);
      }
    }
    if (!namespace) {
      problems.add("the demo does not create its Namespace " + NAMESPACE);
    }

    // PARLEY_DB_URL -> a Service of this namespace -> a PostgreSQL pod listening on that port.
    ObjectNode deployment = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
    Map<String, String> env = base.environment(container, NAMESPACE);
    String url = env.getOrDefault("PARLEY_DB_URL", "");
    if (!url.startsWith("jdbc:postgresql://")) {
      problems.add("the demo's PARLEY_DB_URL is not PostgreSQL: " + url);
      return problems;
    }
    URI uri = URI.create(url.substring("jdbc:".length()));
    String host = uri.getHost();
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String database = uri.getPath().replaceFirst("^/", "");
    String serviceName = host.replaceFirst("\\.(" + NAMESPACE + ")(\\.svc.*)?$", "");
    ObjectNode svc = base.find("Service", serviceName, NAMESPACE);
    if (svc == null) {
      problems.add("PARLEY_DB_URL's host " + host + " is no Service of the demo");
      return problems;
    }
    JsonNode svcPort = null;
    for (JsonNode p : svc.path("spec").path("ports")) {
      if (p.path("port").asInt() == port) {
        svcPort = p;
      }
    }
    if (svcPort == null) {
      problems.add("Service " + serviceName + " has no port " + port + " (PARLEY_DB_URL)");
      return problems;
    }
    Map<String, String> selector = ManifestChecks.strings(svc.path("spec").path("selector"));
    ObjectNode postgres = docs.stream()
        .filter(d -> Set.of("StatefulSet", "Deployment").contains(d.path("kind").asText()))
        .filter(d -> !selector.isEmpty() && ManifestChecks.selects(selector,
            ManifestChecks.strings(d.path("spec").path("template").path("metadata").path("labels"))))
        .findFirst().orElse(null);
    if (postgres == null) {
      problems.add("Service " + serviceName + " selects no PostgreSQL pods (" + selector + ")");
      return problems;
    }
    JsonNode pg = postgres.path("spec").path("template").path("spec").path("containers").get(0);
    String target = svcPort.path("targetPort").asText();
    boolean listens = false;
    for (JsonNode p : pg.path("ports")) {
      listens |= p.path("name").asText().equals(target) || p.path("containerPort").asText().equals(target);
    }
    if (!listens) {
      problems.add("Service " + serviceName + "'s targetPort " + target + " is no port of the PostgreSQL container");
    }
    Map<String, String> pgEnv = base.environment(pg, NAMESPACE);
    if (!database.equals(pgEnv.get("POSTGRES_DB"))) {
      problems.add("PostgreSQL creates database " + pgEnv.get("POSTGRES_DB") + ", Parley uses " + database);
    }
    if (!env.get("PARLEY_DB_USER").equals(pgEnv.get("POSTGRES_USER"))
        || !env.get("PARLEY_DB_PASSWORD").equals(pgEnv.get("POSTGRES_PASSWORD"))) {
      problems.add("PostgreSQL's user or password is not the one Parley logs in with (one Secret for both)");
    }
    return problems;
  }
}
