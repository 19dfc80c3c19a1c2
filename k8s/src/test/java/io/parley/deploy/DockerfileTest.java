package io.parley.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The image and the Deployment agree: ports, user, JVM options. (Docker cannot run here.) */
class DockerfileTest {

  @Test
  void imageMatchesTheDeployment() throws Exception {
    assumeTrue(Rendered.kubectlAvailable(), "kubectl is not installed: the Kubernetes manifests are not checked");
    String dockerfile = Files.readString(Rendered.root().resolve("Dockerfile"));
    ObjectNode deployment = Rendered.of("base").stream()
        .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);

    Set<Integer> exposed = new TreeSet<>();
    Matcher expose = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(dockerfile);
    while (expose.find()) {
      for (String p : expose.group(1).trim().split("\\s+")) {
        exposed.add(Integer.parseInt(p.replace("/tcp", "")));
      }
    }
    Set<Integer> ports = new TreeSet<>();
    container.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
    assertThat(exposed).as("EXPOSE in the Dockerfile against the Deployment's containerPorts").isEqualTo(ports);

    Matcher user = Pattern.compile("(?m)^USER\\s+(\\d+)").matcher(dockerfile);
    assertThat(user.find()).as("the image runs as a numeric non-root USER").isTrue();
    assertThat(Integer.parseInt(user.group(1))).isPositive()
        .isEqualTo(pod.path("securityContext").path("runAsUser").asInt());

    Matcher entry = Pattern.compile("(?m)^ENTRYPOINT\\s+(.+)$").matcher(dockerfile);
    assertThat(entry.find()).isTrue();
    assertThat(entry.group(1)).as("the entry point passes PARLEY_JAVA_OPTS to the JVM and execs it (PID 1 gets SIGTERM)")
        .contains("exec java $PARLEY_JAVA_OPTS").contains("-jar");
    assertThat(dockerfile).contains("PARLEY_HTTP_HOST=0.0.0.0");
  }
}
