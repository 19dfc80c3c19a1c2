package io.parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployment layers resolve to what the docs and the Kubernetes manifests rely on. */
class ClusterLayersTest {

  private static Config layer(String mode, Map<String, Object> settings) {
    return ParleyConfig.load(
        ConfigFactory.parseMap(settings)
            .withFallback(ConfigFactory.parseMap(Map.of("parley.cluster.mode", mode))));
  }

  @Test
  void everyLayerHasManagementTheSplitBrainResolverAndParleysReadinessChecks() {
    for (String mode : List.of("local", "local-cluster", "kubernetes")) {
      Config config = layer(mode, Map.of());
      assertThat(config.getInt("pekko.management.http.port")).as(mode).isEqualTo(7626);
      assertThat(config.getBoolean("pekko.management.http.route-providers-read-only")).isTrue();
      assertThat(config.getString("pekko.cluster.downing-provider-class"))
          .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
      assertThat(config.getString("pekko.cluster.split-brain-resolver.active-strategy"))
          .isEqualTo("keep-majority");
      assertThat(config.getConfig("pekko.management.health-checks.readiness-checks").root())
          .containsKeys("parley-journal", "parley-not-draining", "cluster-membership", "sharding");
      assertThat(config.getStringList("pekko.cluster.sharding.healthcheck.names"))
          .containsExactly("Room");
    }
  }

  @Test
  void localIsItsOwnSeedNode() {
    Config config = layer("local", Map.of());
    Config seeds = ClusterFormation.seedNodes(config, "parley");
    int port = seeds.getInt("pekko.remote.artery.canonical.port");
    assertThat(port).isPositive();
    assertThat(seeds.getStringList("pekko.cluster.seed-nodes"))
        .containsExactly("pekko://parley@127.0.0.1:" + port);
    assertThat(config.getString("pekko.management.http.hostname")).isEqualTo("127.0.0.1");
  }

  @Test
  void localClusterTakesItsSeedNodesFromOneList() {
    Config config =
        layer(
            "local-cluster",
            Map.of("parley.cluster.seed-nodes", " 127.0.0.1:25521, 127.0.0.1:25522 "));
    assertThat(config.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25520);
    assertThat(config.getBoolean("parley.cluster.bootstrap")).isFalse();
    assertThat(ClusterFormation.seedNodes(config, "parley").getStringList("pekko.cluster.seed-nodes"))
        .containsExactly("pekko://parley@127.0.0.1:25521", "pekko://parley@127.0.0.1:25522");
  }

  @Test
  void aMalformedSeedNodeListIsRefusedWithTheVariableItCameFrom() {
    for (String bad : List.of("127.0.0.1", "127.0.0.1:x", ":25520", "host:70000")) {
      assertThatThrownBy(() -> ClusterFormation.parseSeedNodes(bad, "parley"))
          .hasMessageContaining("PARLEY_SEED_NODES");
    }
  }

  @Test
  void kubernetesBootstrapsFromThePodsLabelledAppParley() {
    Config config = layer("kubernetes", Map.of());
    assertThat(config.getBoolean("parley.cluster.bootstrap")).isTrue();
    assertThat(ClusterFormation.seedNodes(config, "parley").isEmpty()).isTrue();
    Config discovery =
        config.getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
    assertThat(discovery.getString("discovery-method")).isEqualTo("kubernetes-api");
    assertThat(discovery.getString("service-name")).isEqualTo("parley");
    assertThat(discovery.getString("port-name")).isEqualTo("management");
    assertThat(discovery.getInt("required-contact-point-nr")).isEqualTo(2);
    assertThat(config.getString("pekko.discovery.kubernetes-api.pod-label-selector"))
        .isEqualTo("app=%s");
    assertThat(config.getString("pekko.management.http.bind-hostname")).isEqualTo("0.0.0.0");
    assertThat(config.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25520);
  }
}
