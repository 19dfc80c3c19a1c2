package io.parley.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Parley's rendered manifests must satisfy, as a list of problems (empty: all is well).
 * Every rule states the fact it protects; ManifestChecksCanFailTest breaks each one once.
 */
final class ManifestChecks {

  static final String APP_LABEL = "app";
  static final String APP = "parley";
  /** What Cluster Bootstrap's kubernetes-api discovery selects: app=<service name>. */
  static final Map<String, String> DISCOVERY_SELECTOR = Map.of(APP_LABEL, APP);
  /** The port name kubernetes-api discovery looks the management port up by. */
  static final String MANAGEMENT_PORT_NAME = "management";
  static final Set<String> REQUIRED_KINDS = Set.of("Deployment", "Service", "ServiceAccount", "Role",
      "RoleBinding", "PodDisruptionBudget", "ConfigMap", "Secret");
  /** Pod IP: what other nodes reach this one at. */
  static final String POD_IP = "<fieldRef:status.podIP>";

  private final List<ObjectNode> docs;
  private final AppSettings app;
  final List<String> problems = new ArrayList<>();
  /** What could not be checked yet (printed, not failed). */
  final List<String> notes = new ArrayList<>();

  private ManifestChecks(List<ObjectNode> docs, AppSettings app) {
    this.docs = docs;
    this.app = app;
  }

  static ManifestChecks run(List<ObjectNode> docs, AppSettings app) {
    ManifestChecks c = new ManifestChecks(docs, app);
    c.all();
    return c;
  }

  private void problem(boolean ok, String message) {
    if (!ok) {
      problems.add(message);
    }
  }

  private void all() {
    structure();
    ObjectNode deployment = parleyDeployment();
    if (deployment == null) {
      return;
    }
    JsonNode pod = deployment.path("spec").path("template");
    Map<String, String> podLabels = strings(pod.path("metadata").path("labels"));
    JsonNode container = parleyContainer(pod.path("spec"));
    if (container == null) {
      return;
    }
    String namespace = deployment.path("metadata").path("namespace").asText("");
    Map<String, String> env = environment(container, namespace);
    rollout(deployment, podLabels);
    ports(container, env);
    probes(container);
    resourcesAndJvm(container, env);
    security(pod.path("spec"), container);
    database(env, namespace);
    envNames(container, namespace);
    service(podLabels, container, namespace);
    rbac(pod.path("spec"), namespace);
    pdb(podLabels, deployment, namespace);
  }

  // --- every object ---------------------------------------------------------------------

  private void structure() {
    Set<String> kinds = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (ObjectNode d : docs) {
      String kind = d.path("kind").asText("");
      String name = d.path("metadata").path("name").asText("");
      problem(!d.path("apiVersion").asText("").isEmpty(), "an object has no apiVersion: " + kind + " " + name);
      problem(!kind.isEmpty(), "an object has no kind: " + name);
      problem(!name.isEmpty(), "a " + kind + " has no metadata.name");
      problem(name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?"), kind + " name is not a DNS name: " + name);
      String key = kind + "/" + d.path("metadata").path("namespace").asText("") + "/" + name;
      problem(seen.add(key), "two objects are " + key);
      kinds.add(kind);
    }
    for (String kind : REQUIRED_KINDS) {
      problem(kinds.contains(kind), "no " + kind + " in the manifests");
    }
  }

  private ObjectNode parleyDeployment() {
    List<ObjectNode> found = docs.stream()
        .filter(d -> d.path("kind").asText().equals("Deployment"))
        .filter(d -> APP.equals(d.path("spec").path("template").path("metadata").path("labels").path(APP_LABEL).asText(null)))
        .toList();
    problem(found.size() == 1, "expected one Deployment whose pods are labelled " + APP_LABEL + "=" + APP
        + " (the label discovery selects on), found " + found.size());
    return found.size() == 1 ? found.get(0) : null;
  }

  private JsonNode parleyContainer(JsonNode podSpec) {
    JsonNode containers = podSpec.path("containers");
    problem(containers.isArray() && containers.size() >= 1, "the Deployment's pod has no containers");
    for (JsonNode c : containers) {
      if (c.path("name").asText().equals(APP)) {
        problem(!c.path("image").asText("").isEmpty(), "container parley has no image");
        return c;
      }
    }
    problem(false, "the Deployment has no container named parley");
    return null;
  }

  // --- the Deployment ---------------------------------------------------------------------

  private void rollout(JsonNode deployment, Map<String, String> podLabels) {
    JsonNode spec = deployment.path("spec");
    problem(spec.path("replicas").asInt(-1) == 3, "replicas must be 3, is " + spec.path("replicas"));
    JsonNode strategy = spec.path("strategy");
    problem(strategy.path("type").asText().equals("RollingUpdate"), "strategy.type must be RollingUpdate");
    problem(strategy.path("rollingUpdate").path("maxSurge").asText().equals("1"),
        "rollingUpdate.maxSurge must be 1 (one new node at a time), is " + strategy.path("rollingUpdate").path("maxSurge"));
    problem(strategy.path("rollingUpdate").path("maxUnavailable").asText().equals("0"),
        "rollingUpdate.maxUnavailable must be 0 (never fewer ready nodes than replicas), is "
            + strategy.path("rollingUpdate").path("maxUnavailable"));
    Map<String, String> selector = strings(spec.path("selector").path("matchLabels"));
    problem(!selector.isEmpty() && selects(selector, podLabels),
        "the Deployment's selector " + selector + " does not select its own pods " + podLabels);
    problem(selects(DISCOVERY_SELECTOR, podLabels),
        "the pods' labels " + podLabels + " do not match the discovery selector " + DISCOVERY_SELECTOR);
    int grace = spec.path("template").path("spec").path("terminationGracePeriodSeconds").asInt(30);
    problem(grace >= 45, "terminationGracePeriodSeconds " + grace + " is too short for a drain (>= 45 s)");
  }

  private Map<String, Integer> containerPorts(JsonNode container) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (JsonNode p : container.path("ports")) {
      ports.put(p.path("name").asText(""), p.path("containerPort").asInt(-1));
    }
    return ports;
  }

  private void ports(JsonNode container, Map<String, String> env) {
    Map<String, Integer> ports = containerPorts(container);
    for (String name : List.of("http", MANAGEMENT_PORT_NAME, "remoting")) {
      problem(ports.containsKey(name), "the container has no port named " + name + " (has " + ports.keySet() + ")");
    }
    Config config = app.effective(env);
    Integer http = ports.get("http");
    problem(config.hasPath("parley.gateway.port") && Objects.equals(http, config.getInt("parley.gateway.port")),
        "containerPort http " + http + " is not the port Parley listens on with this environment (parley.gateway.port = "
            + (config.hasPath("parley.gateway.port") ? config.getValue("parley.gateway.port").unwrapped() : "unset") + ")");
    problem(config.hasPath("parley.gateway.host") && config.getString("parley.gateway.host").equals("0.0.0.0"),
        "Parley must listen on 0.0.0.0 in a pod (PARLEY_HTTP_HOST); parley.gateway.host = "
            + (config.hasPath("parley.gateway.host") ? config.getString("parley.gateway.host") : "unset"));
    Integer remoting = ports.get("remoting");
    String remotePort = "pekko.remote.artery.canonical.port";
    problem(config.hasPath(remotePort) && Objects.equals(remoting, config.getInt(remotePort)),
        "containerPort remoting " + remoting + " is not the cluster port with this environment (" + remotePort + " = "
            + (config.hasPath(remotePort) ? config.getValue(remotePort).unwrapped() : "unset") + ")");
    String remoteHost = "pekko.remote.artery.canonical.hostname";
    problem(config.hasPath(remoteHost) && config.getString(remoteHost).equals(POD_IP),
        "the cluster address (" + remoteHost + ", PARLEY_REMOTE_HOST) must be the pod IP (fieldRef status.podIP)");
    Integer management = ports.get(MANAGEMENT_PORT_NAME);
    problem(management != null && String.valueOf(management).equals(env.get("PARLEY_MANAGEMENT_PORT")),
        "PARLEY_MANAGEMENT_PORT " + env.get("PARLEY_MANAGEMENT_PORT") + " is not containerPort management " + management);
    problem("0.0.0.0".equals(env.get("PARLEY_MANAGEMENT_HOST")) || POD_IP.equals(env.get("PARLEY_MANAGEMENT_HOST")),
        "PARLEY_MANAGEMENT_HOST must be 0.0.0.0 (or the pod IP) so the kubelet's probes reach it, is "
            + env.get("PARLEY_MANAGEMENT_HOST"));
    String mgmtPort = "pekko.management.http.port";
    if (config.hasPath(mgmtPort)) {
      problem(Objects.equals(management, config.getInt(mgmtPort)),
          "containerPort management " + management + " is not " + mgmtPort + " = " + config.getValue(mgmtPort).unwrapped());
    } else {
      notes.add(mgmtPort + " is not in Parley's configuration yet: checked PARLEY_MANAGEMENT_PORT against the port only");
    }
    String mode = env.get("PARLEY_CLUSTER_MODE");
    problem("kubernetes".equals(mode), "PARLEY_CLUSTER_MODE must be kubernetes (Cluster Bootstrap), is " + mode);
    problem("production".equals(env.get("PARLEY_MODE")),
        "PARLEY_MODE must be production (keys required, no development token endpoint), is " + env.get("PARLEY_MODE"));
    problem(!env.getOrDefault("PARLEY_AUTH_HS256_SECRET", "").isEmpty() || !env.getOrDefault("PARLEY_AUTH_JWKS_URL", "").isEmpty(),
        "a production node needs PARLEY_AUTH_HS256_SECRET or PARLEY_AUTH_JWKS_URL, or it refuses to start");
    problem(!env.getOrDefault("PARLEY_OPERATOR_TOKEN", "").isEmpty(),
        "PARLEY_OPERATOR_TOKEN is not set: the operator routes of the management port answer 403 in production");
    if (!app.kubernetesLayerExists()) {
      notes.add("parley/cluster/kubernetes.conf does not exist yet: PARLEY_CLUSTER_MODE=kubernetes and the names "
          + AppSettings.PENDING_KUBERNETES_LAYER_ENV + " are taken on trust");
    }
  }

  private void probes(JsonNode container) {
    probe(container, "readinessProbe", "/ready");
    probe(container, "livenessProbe", "/alive");
    if (container.has("startupProbe")) {
      probe(container, "startupProbe", "/alive");
    }
    JsonNode live = container.path("livenessProbe");
    int window = live.path("periodSeconds").asInt(10) * live.path("failureThreshold").asInt(3);
    problem(window >= 20, "the liveness probe restarts a node after " + window + " s of silence: too eager (>= 20 s)");
    problem(live.path("timeoutSeconds").asInt(1) >= 2, "the liveness probe's timeout must be at least 2 s");
  }

  private void probe(JsonNode container, String which, String path) {
    JsonNode get = container.path(which).path("httpGet");
    problem(get.isObject(), which + " must be an httpGet probe");
    problem(path.equals(get.path("path").asText()), which + " path must be " + path + ", is " + get.path("path"));
    problem(MANAGEMENT_PORT_NAME.equals(get.path("port").asText()),
        which + " must use the named port " + MANAGEMENT_PORT_NAME + ", uses " + get.path("port"));
  }

  private static final Pattern RAM_PERCENT = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)");

  private void resourcesAndJvm(JsonNode container, Map<String, String> env) {
    JsonNode r = container.path("resources");
    for (String part : List.of("requests", "limits")) {
      for (String res : List.of("cpu", "memory")) {
        problem(!r.path(part).path(res).asText("").isEmpty(), "resources." + part + "." + res + " is not set");
      }
    }
    problem(r.path("requests").path("memory").asText().equals(r.path("limits").path("memory").asText()),
        "the memory request must equal the limit: the heap is sized from the limit, and a node must not be"
            + " evicted for using what it was sized for");
    String opts = env.getOrDefault("PARLEY_JAVA_OPTS", "") + " " + env.getOrDefault("JAVA_TOOL_OPTIONS", "");
    Matcher m = RAM_PERCENT.matcher(opts);
    problem(m.find() && Double.parseDouble(m.group(1)) >= 40 && Double.parseDouble(m.group(1)) <= 80,
        "the heap must be sized from the container's memory with -XX:MaxRAMPercentage between 40 and 80 (PARLEY_JAVA_OPTS)");
    problem(!opts.contains("-Xmx") && !opts.contains("MaxHeapSize"),
        "a fixed heap (-Xmx) ignores the container's memory limit; use -XX:MaxRAMPercentage");
  }

  private void security(JsonNode podSpec, JsonNode container) {
    JsonNode pod = podSpec.path("securityContext");
    JsonNode c = container.path("securityContext");
    problem(pod.path("runAsNonRoot").asBoolean(false) || c.path("runAsNonRoot").asBoolean(false), "runAsNonRoot must be true");
    int uid = c.path("runAsUser").asInt(pod.path("runAsUser").asInt(0));
    problem(uid > 0, "runAsUser must be a non-root numeric user, is " + uid);
    problem(c.path("allowPrivilegeEscalation").isBoolean() && !c.path("allowPrivilegeEscalation").asBoolean(),
        "allowPrivilegeEscalation must be false");
    problem(c.path("readOnlyRootFilesystem").asBoolean(false), "readOnlyRootFilesystem must be true");
    boolean tmp = false;
    for (JsonNode v : container.path("volumeMounts")) {
      tmp |= v.path("mountPath").asText().equals("/tmp");
    }
    problem(tmp, "with a read-only root file system the JVM needs a writable /tmp (an emptyDir)");
    Set<String> dropped = new HashSet<>();
    c.path("capabilities").path("drop").forEach(x -> dropped.add(x.asText()));
    problem(dropped.contains("ALL"), "capabilities must drop ALL");
    problem(podSpec.path("automountServiceAccountToken").asBoolean(true),
        "discovery reads the Kubernetes API with the service account's token: do not turn its mount off");
  }

  private void database(Map<String, String> env, String namespace) {
    String url = env.getOrDefault("PARLEY_DB_URL", "");
    problem(url.startsWith("jdbc:postgresql://"),
        "PARLEY_DB_URL must point at PostgreSQL (jdbc:postgresql://...): without it each pod would use its own H2 file, is '" + url + "'");
    problem(env.containsKey("PARLEY_DB_USER") && env.containsKey("PARLEY_DB_PASSWORD"),
        "PARLEY_DB_USER and PARLEY_DB_PASSWORD must come from the Secret");
  }

  private void envNames(JsonNode container, String namespace) {
    for (String name : declaredEnvNames(container, namespace)) {
      problem(app.reads(name), "the Deployment sets " + name + ", which Parley's configuration does not read"
          + " (no ${?" + name + "} in any reference.conf or parley/**/*.conf)");
    }
  }

  // --- the other objects ------------------------------------------------------------------

  private void service(Map<String, String> podLabels, JsonNode container, String namespace) {
    ObjectNode svc = find("Service", APP, namespace);
    problem(svc != null, "no Service named parley");
    if (svc == null) {
      return;
    }
    JsonNode spec = svc.path("spec");
    problem(spec.path("type").asText("ClusterIP").equals("ClusterIP"), "Service parley must be a ClusterIP Service");
    Map<String, String> selector = strings(spec.path("selector"));
    problem(!selector.isEmpty() && selects(selector, podLabels),
        "Service parley's selector " + selector + " does not select the pods " + podLabels);
    Map<String, Integer> ports = containerPorts(container);
    boolean http = false;
    for (JsonNode p : spec.path("ports")) {
      String target = p.path("targetPort").asText();
      problem(ports.containsKey(target) || ports.containsValue(p.path("targetPort").asInt(-1)),
          "Service parley's targetPort " + target + " is no port of the container " + ports);
      http |= target.equals("http") || Objects.equals(ports.get("http"), p.path("targetPort").asInt(-1));
    }
    problem(http, "Service parley does not reach the container's http port");
  }

  private void rbac(JsonNode podSpec, String namespace) {
    String account = podSpec.path("serviceAccountName").asText("default");
    problem(!account.equals("default"), "the pods must run as their own ServiceAccount, not default");
    problem(find("ServiceAccount", account, namespace) != null, "no ServiceAccount " + account + " (the Deployment's)");
    boolean bound = false;
    for (ObjectNode b : kind("RoleBinding")) {
      boolean subject = false;
      for (JsonNode s : b.path("subjects")) {
        subject |= s.path("kind").asText().equals("ServiceAccount") && s.path("name").asText().equals(account)
            && s.path("namespace").asText(namespace).equals(namespace);
      }
      if (!subject) {
        continue;
      }
      JsonNode ref = b.path("roleRef");
      ObjectNode role = ref.path("kind").asText().equals("Role")
          ? find("Role", ref.path("name").asText(), b.path("metadata").path("namespace").asText("")) : null;
      if (role != null && grantsPodDiscovery(role)) {
        bound = true;
      }
    }
    problem(bound, "no RoleBinding gives ServiceAccount " + account
        + " a Role with get, watch and list on pods (kubernetes-api discovery needs them)");
  }

  private static boolean grantsPodDiscovery(JsonNode role) {
    for (JsonNode rule : role.path("rules")) {
      Set<String> groups = texts(rule.path("apiGroups"));
      Set<String> resources = texts(rule.path("resources"));
      Set<String> verbs = texts(rule.path("verbs"));
      if (groups.contains("") && resources.contains("pods") && verbs.containsAll(Set.of("get", "watch", "list"))) {
        return true;
      }
    }
    return false;
  }

  private void pdb(Map<String, String> podLabels, JsonNode deployment, String namespace) {
    List<ObjectNode> pdbs = kind("PodDisruptionBudget");
    problem(pdbs.size() == 1, "expected one PodDisruptionBudget, found " + pdbs.size());
    int replicas = deployment.path("spec").path("replicas").asInt();
    for (ObjectNode pdb : pdbs) {
      JsonNode spec = pdb.path("spec");
      problem(selects(strings(spec.path("selector").path("matchLabels")), podLabels)
              && !strings(spec.path("selector").path("matchLabels")).isEmpty(),
          "the PodDisruptionBudget's selector " + spec.path("selector") + " does not select the pods " + podLabels);
      boolean ok = spec.path("maxUnavailable").asText().equals("1")
          || (spec.path("minAvailable").isInt() && spec.path("minAvailable").asInt() == replicas - 1);
      problem(ok, "the PodDisruptionBudget must allow one pod down at a time (maxUnavailable: 1 or minAvailable: "
          + (replicas - 1) + ")");
    }
  }

  // --- helpers ----------------------------------------------------------------------------

  private List<ObjectNode> kind(String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  ObjectNode find(String kind, String name, String namespace) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .filter(d -> d.path("metadata").path("name").asText().equals(name))
        .filter(d -> d.path("metadata").path("namespace").asText("").equals(namespace))
        .findFirst().orElse(null);
  }

  /** Names the container sets, from env and from the ConfigMaps and Secrets of envFrom. */
  private List<String> declaredEnvNames(JsonNode container, String namespace) {
    List<String> names = new ArrayList<>();
    for (JsonNode from : container.path("envFrom")) {
      String prefix = from.path("prefix").asText("");
      source(from, namespace).keySet().forEach(k -> names.add(prefix + k));
    }
    container.path("env").forEach(e -> names.add(e.path("name").asText()));
    return names;
  }

  /** The variables the container gets, as Kubernetes sets them (env wins over envFrom). */
  Map<String, String> environment(JsonNode container, String namespace) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String prefix = from.path("prefix").asText("");
      source(from, namespace).forEach((k, v) -> env.put(prefix + k, v));
    }
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        env.put(name, e.path("value").asText());
      } else if (e.path("valueFrom").has("fieldRef")) {
        env.put(name, "<fieldRef:" + e.path("valueFrom").path("fieldRef").path("fieldPath").asText() + ">");
      } else if (e.path("valueFrom").has("secretKeyRef") || e.path("valueFrom").has("configMapKeyRef")) {
        boolean secret = e.path("valueFrom").has("secretKeyRef");
        JsonNode ref = e.path("valueFrom").path(secret ? "secretKeyRef" : "configMapKeyRef");
        ObjectNode obj = find(secret ? "Secret" : "ConfigMap", ref.path("name").asText(), namespace);
        Map<String, String> data = obj == null ? Map.of() : data(obj);
        problem(data.containsKey(ref.path("key").asText()), "env " + name + " refers to a missing key " + ref);
        env.put(name, data.getOrDefault(ref.path("key").asText(), ""));
      } else {
        env.put(name, "");
      }
    }
    return env;
  }

  private Map<String, String> source(JsonNode from, String namespace) {
    boolean secret = from.has("secretRef");
    String name = from.path(secret ? "secretRef" : "configMapRef").path("name").asText();
    ObjectNode obj = find(secret ? "Secret" : "ConfigMap", name, namespace);
    problem(obj != null, "envFrom refers to a missing " + (secret ? "Secret " : "ConfigMap ") + name);
    return obj == null ? Map.of() : data(obj);
  }

  static Map<String, String> data(JsonNode obj) {
    Map<String, String> data = new LinkedHashMap<>();
    boolean secret = obj.path("kind").asText().equals("Secret");
    obj.path("data").fields().forEachRemaining(f -> data.put(f.getKey(), secret
        ? new String(Base64.getDecoder().decode(f.getValue().asText()), StandardCharsets.UTF_8)
        : f.getValue().asText()));
    obj.path("stringData").fields().forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
    return data;
  }

  static Map<String, String> strings(JsonNode node) {
    Map<String, String> m = new LinkedHashMap<>();
    node.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
    return m;
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> s = new HashSet<>();
    array.forEach(x -> s.add(x.asText()));
    return s;
  }

  /** Whether a label selector selects objects with these labels. */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
