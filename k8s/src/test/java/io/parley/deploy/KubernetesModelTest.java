package io.parley.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Offline structural validation: every rendered object must map onto the Kubernetes API types
 * (fabric8's model, generated from the Kubernetes OpenAPI schema): a known apiVersion and kind,
 * every field known at its place (a misspelt or misplaced field lands in "additionalProperties"),
 * every value of the right type. Not covered: the API server's own validation rules (ranges,
 * required fields, immutable fields), which need a cluster.
 */
class KubernetesModelTest {

  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/demo"})
  void everyObjectIsAKnownKubernetesTypeWithOnlyKnownFields(String dir) throws Exception {
    assumeTrue(Rendered.kubectlAvailable(), "kubectl is not installed: the Kubernetes manifests are not checked");
    List<String> problems = new ArrayList<>();
    for (ObjectNode doc : Rendered.of(dir)) {
      problems.addAll(problems(doc));
    }
    assertThat(problems).as("objects of k8s/" + dir + " that do not match the Kubernetes API").isEmpty();
  }

  static List<String> problems(ObjectNode doc) {
    String what = doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
    try {
      KubernetesResource typed = MAPPER.treeToValue(doc, KubernetesResource.class);
      if (typed == null || typed instanceof GenericKubernetesResource) {
        return List.of(what + ": unknown apiVersion/kind " + doc.path("apiVersion").asText() + "/" + doc.path("kind").asText());
      }
      List<String> unknown = new ArrayList<>();
      walk(typed, what, unknown, new IdentityHashMap<>());
      return unknown;
    } catch (Exception e) {
      return List.of(what + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** Collects every non-empty additionalProperties map in the object graph. */
  private static void walk(Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) throws Exception {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        walk(e, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        walk(e.getValue(), path + "." + e.getKey(), unknown, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method get : o.getClass().getMethods()) {
      if (get.getParameterCount() != 0 || Modifier.isStatic(get.getModifiers()) || !get.getName().startsWith("get")
          || get.getDeclaringClass() == Object.class || get.getName().equals("getClass")) {
        continue;
      }
      Object value = get.invoke(o);
      if (get.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": unknown field(s) " + extra.keySet());
        }
        continue;
      }
      String field = Character.toLowerCase(get.getName().charAt(3)) + get.getName().substring(4);
      walk(value, path + "." + field, unknown, seen);
    }
  }
}
