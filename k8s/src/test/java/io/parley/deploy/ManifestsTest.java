package io.parley.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The manifests as kubectl renders them, checked against Parley's configuration. */
class ManifestsTest {

  static AppSettings app;

  @BeforeAll
  static void setUp() {
    assumeTrue(Rendered.kubectlAvailable(), "kubectl is not installed: the Kubernetes manifests are not checked");
    app = AppSettings.load(Rendered.root());
  }

  @Test
  void baseRendersAndMatchesTheApplication() {
    List<ObjectNode> docs = Rendered.of("base");
    ManifestChecks checks = ManifestChecks.run(docs, app);
    checks.notes.forEach(n -> System.out.println("[k8s] not checked yet: " + n));
    assertThat(checks.problems).as("problems of k8s/base").isEmpty();
  }

  @Test
  void demoOverlayRendersAndReachesItsPostgres() {
    List<ObjectNode> docs = Rendered.of("overlays/demo");
    assertThat(DemoChecks.run(docs, app)).as("problems of k8s/overlays/demo").isEmpty();
  }

  @Test
  void theConfigurationReadsTheVariablesItIsKnownFor() {
    // Guards the scan itself: a regression here would let any env name through or none.
    assertThat(app.envNames).contains("PARLEY_HTTP_PORT", "PARLEY_DB_URL", "PARLEY_REMOTE_PORT",
        "PARLEY_CLUSTER_MODE", "PARLEY_LOG_LEVEL");
    assertThat(app.reads("PARLEY_NO_SUCH_SETTING")).isFalse();
  }
}
