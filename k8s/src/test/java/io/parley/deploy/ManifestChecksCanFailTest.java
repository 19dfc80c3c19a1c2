package io.parley.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each check breaks once: the rendered manifests, changed in one place, must be refused. */
class ManifestChecksCanFailTest {

  static AppSettings app;

  @BeforeAll
  static void setUp() {
    assumeTrue(Rendered.kubectlAvailable(), "kubectl is not installed: the Kubernetes manifests are not checked");
    app = AppSettings.load(Rendered.root());
  }

  static Stream<Arguments> breakages() {
    return Stream.of(
        breaks("http containerPort differs from parley.gateway.port", d -> port(d, "http").put("containerPort", 8081), "containerPort http"),
        breaks("PARLEY_HTTP_PORT differs from the http port", d -> env(d, "PARLEY_HTTP_PORT").put("value", "9090"), "containerPort http"),
        breaks("PARLEY_MANAGEMENT_PORT differs from the management port", d -> env(d, "PARLEY_MANAGEMENT_PORT").put("value", "7627"), "PARLEY_MANAGEMENT_PORT"),
        breaks("remoting port differs from PARLEY_REMOTE_PORT", d -> port(d, "remoting").put("containerPort", 2552), "containerPort remoting"),
        breaks("management port renamed", d -> port(d, "management").put("name", "mgmt"), "no port named management"),
        breaks("readiness path", d -> probe(d, "readinessProbe").put("path", "/healthz"), "readinessProbe path must be /ready"),
        breaks("liveness path", d -> probe(d, "livenessProbe").put("path", "/ready"), "livenessProbe path must be /alive"),
        breaks("liveness on a port number", d -> probe(d, "livenessProbe").put("port", 7626), "livenessProbe must use the named port"),
        breaks("liveness too eager", d -> ((ObjectNode) container(d).get("livenessProbe")).put("failureThreshold", 1), "too eager"),
        breaks("pod label is not the discovery label", d -> {
          ((ObjectNode) deployment(d).at("/spec/template/metadata/labels")).put("app", "parley-node");
          ((ObjectNode) deployment(d).at("/spec/selector/matchLabels")).put("app", "parley-node");
        }, "one Deployment whose pods are labelled app=parley"),
        breaks("extra pod label the selector misses", d -> ((ObjectNode) deployment(d).at("/spec/selector/matchLabels")).put("tier", "x"), "does not select its own pods"),
        breaks("Service selector", d -> ((ObjectNode) kind(d, "Service").at("/spec/selector")).put("app", "parly"), "Service parley's selector"),
        breaks("Service target port", d -> ((ObjectNode) kind(d, "Service").at("/spec/ports/0")).put("targetPort", "web"), "targetPort web"),
        breaks("env name the app does not read", d -> env(d, "PARLEY_HTTP_PORT").put("name", "PARLEY_HTTP_PROT"), "sets PARLEY_HTTP_PROT"),
        breaks("ConfigMap key the app does not read", d -> {
          ObjectNode data = (ObjectNode) kind(d, "ConfigMap").get("data");
          data.set("PARLEY_DB_ULR", data.remove("PARLEY_DB_URL"));
        }, "sets PARLEY_DB_ULR"),
        breaks("no PostgreSQL URL", d -> ((ObjectNode) kind(d, "ConfigMap").get("data")).remove("PARLEY_DB_URL"), "PARLEY_DB_URL must point at PostgreSQL"),
        breaks("development mode", d -> ((ObjectNode) kind(d, "ConfigMap").get("data")).remove("PARLEY_MODE"), "PARLEY_MODE must be production"),
        breaks("cluster mode", d -> ((ObjectNode) kind(d, "ConfigMap").get("data")).put("PARLEY_CLUSTER_MODE", "local"), "PARLEY_CLUSTER_MODE must be kubernetes"),
        breaks("http host", d -> env(d, "PARLEY_HTTP_HOST").put("value", "127.0.0.1"), "0.0.0.0"),
        breaks("remote host not the pod IP", d -> {
          ObjectNode e = env(d, "PARLEY_REMOTE_HOST");
          e.remove("valueFrom");
          e.put("value", "127.0.0.1");
        }, "must be the pod IP"),
        breaks("Role without watch", d -> ((ArrayNode) kind(d, "Role").at("/rules/0/verbs")).remove(1), "get, watch and list on pods"),
        breaks("RoleBinding to another account", d -> ((ObjectNode) kind(d, "RoleBinding").at("/subjects/0")).put("name", "default"), "get, watch and list on pods"),
        breaks("RoleBinding to another role", d -> ((ObjectNode) kind(d, "RoleBinding").get("roleRef")).put("name", "viewer"), "get, watch and list on pods"),
        breaks("Deployment runs as another account", d -> ((ObjectNode) deployment(d).at("/spec/template/spec")).put("serviceAccountName", "other"), "no ServiceAccount other"),
        breaks("ServiceAccount missing", d -> d.remove(kind(d, "ServiceAccount")), "no ServiceAccount"),
        breaks("PDB selector", d -> ((ObjectNode) kind(d, "PodDisruptionBudget").at("/spec/selector/matchLabels")).put("app", "x"), "PodDisruptionBudget's selector"),
        breaks("PDB lets two go", d -> ((ObjectNode) kind(d, "PodDisruptionBudget").get("spec")).put("maxUnavailable", 2), "one pod down at a time"),
        breaks("replicas", d -> ((ObjectNode) deployment(d).get("spec")).put("replicas", 2), "replicas must be 3"),
        breaks("maxSurge", d -> ((ObjectNode) deployment(d).at("/spec/strategy/rollingUpdate")).put("maxSurge", "25%"), "maxSurge must be 1"),
        breaks("maxUnavailable", d -> ((ObjectNode) deployment(d).at("/spec/strategy/rollingUpdate")).put("maxUnavailable", 1), "maxUnavailable must be 0"),
        breaks("short grace period", d -> ((ObjectNode) deployment(d).at("/spec/template/spec")).put("terminationGracePeriodSeconds", 10), "terminationGracePeriodSeconds"),
        breaks("no memory limit", d -> ((ObjectNode) container(d).at("/resources/limits")).remove("memory"), "resources.limits.memory"),
        breaks("heap not from the container", d -> env(d, "PARLEY_JAVA_OPTS").put("value", "-Xmx1g"), "MaxRAMPercentage"),
        breaks("writable root", d -> ((ObjectNode) container(d).get("securityContext")).put("readOnlyRootFilesystem", false), "readOnlyRootFilesystem"),
        breaks("root user", d -> {
          ((ObjectNode) deployment(d).at("/spec/template/spec/securityContext")).put("runAsNonRoot", false);
          ((ObjectNode) deployment(d).at("/spec/template/spec/securityContext")).put("runAsUser", 0);
        }, "runAsNonRoot"),
        breaks("no /tmp", d -> ((ObjectNode) container(d)).remove("volumeMounts"), "writable /tmp"),
        breaks("no Secret", d -> d.remove(kind(d, "Secret")), "missing Secret"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("breakages")
  void brokenBaseIsRefused(Consumer<List<ObjectNode>> change, String expected) {
    List<ObjectNode> docs = Rendered.of("base");
    assertThat(ManifestChecks.run(docs, app).problems).as("unbroken").isEmpty();
    change.accept(docs);
    assertThat(ManifestChecks.run(docs, app).problems).anySatisfy(p -> assertThat(p).contains(expected));
  }

  static Stream<Arguments> demoBreakages() {
    return Stream.of(
        breaks("database host is no Service", d -> ((ObjectNode) kind(d, "ConfigMap").get("data"))
            .put("PARLEY_DB_URL", "jdbc:postgresql://pg:5432/parley"), "is no Service"),
        breaks("database port", d -> ((ObjectNode) kind(d, "ConfigMap").get("data"))
            .put("PARLEY_DB_URL", "jdbc:postgresql://postgres:5433/parley"), "has no port 5433"),
        breaks("database name", d -> env(d, "StatefulSet", "postgres", "POSTGRES_DB").put("value", "pg"), "creates database pg"),
        breaks("PostgreSQL user from elsewhere", d -> {
          ObjectNode e = env(d, "StatefulSet", "postgres", "POSTGRES_USER");
          e.remove("valueFrom");
          e.put("value", "admin");
        }, "one Secret for both"),
        breaks("object outside the namespace", d -> ((ObjectNode) kind(d, "Service").get("metadata")).put("namespace", "default"), "not in namespace parley-demo"),
        breaks("no Namespace", d -> d.remove(kind(d, "Namespace")), "does not create its Namespace"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("demoBreakages")
  void brokenDemoIsRefused(Consumer<List<ObjectNode>> change, String expected) {
    List<ObjectNode> docs = Rendered.of("overlays/demo");
    assertThat(DemoChecks.run(docs, app)).as("unbroken").isEmpty();
    change.accept(docs);
    assertThat(DemoChecks.run(docs, app)).anySatisfy(p -> assertThat(p).contains(expected));
  }

  static Stream<Arguments> modelBreakages() {
    return Stream.of(
        breaks("misspelt field", d -> container(d).set("readinesProbe", container(d).remove("readinessProbe")), "readinesProbe"),
        breaks("misplaced field", d -> ((ObjectNode) deployment(d).get("spec")).put("terminationGracePeriodSeconds", 60), "terminationGracePeriodSeconds"),
        breaks("wrong type", d -> ((ObjectNode) deployment(d).get("spec")).put("replicas", "three"), "Deployment parley"),
        breaks("unknown apiVersion", d -> deployment(d).put("apiVersion", "apps/v2"), "unknown apiVersion/kind"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modelBreakages")
  void objectsOffTheKubernetesApiAreRefused(Consumer<List<ObjectNode>> change, String expected) {
    List<ObjectNode> docs = Rendered.of("base");
    change.accept(docs);
    assertThat(KubernetesModelTest.problems(deployment(docs))).anySatisfy(p -> assertThat(p).contains(expected));
  }

  // --- where to break ----------------------------------------------------------------------

  private static Arguments breaks(String name, Consumer<List<ObjectNode>> change, String expected) {
    return Arguments.of(Named.of(name, change), expected);
  }

  static ObjectNode kind(List<ObjectNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst().orElseThrow();
  }

  static ObjectNode deployment(List<ObjectNode> docs) {
    return kind(docs, "Deployment");
  }

  static ObjectNode container(List<ObjectNode> docs) {
    return (ObjectNode) deployment(docs).at("/spec/template/spec/containers/0");
  }

  static ObjectNode port(List<ObjectNode> docs, String name) {
    return named(container(docs).get("ports"), name);
  }

  static ObjectNode env(List<ObjectNode> docs, String name) {
    return named(container(docs).get("env"), name);
  }

  static ObjectNode env(List<ObjectNode> docs, String kind, String object, String name) {
    ObjectNode o = docs.stream().filter(d -> d.path("kind").asText().equals(kind))
        .filter(d -> d.path("metadata").path("name").asText().equals(object)).findFirst().orElseThrow();
    return named(o.at("/spec/template/spec/containers/0/env"), name);
  }

  static ObjectNode probe(List<ObjectNode> docs, String which) {
    return (ObjectNode) container(docs).get(which).get("httpGet");
  }

  private static ObjectNode named(JsonNode array, String name) {
    for (JsonNode n : array) {
      if (n.path("name").asText().equals(name)) {
        return (ObjectNode) n;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }
}
