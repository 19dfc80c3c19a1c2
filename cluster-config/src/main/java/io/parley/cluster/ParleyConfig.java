package io.parley.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URL;
import java.util.List;

/**
 * Builds a node's configuration in layers, highest first: explicit overrides, system properties,
 * the application's own {@code application.conf}, the deployment layer named by {@code
 * parley.cluster.mode} ({@code parley/cluster/<mode>.conf}), Parley's module layers, and last the
 * libraries' {@code reference.conf} defaults.
 *
 * <p>Parley's settings for Pekko live in layers rather than in {@code reference.conf}: reference
 * files are merged in classpath order, so a library's own defaults could silently win.
 */
public final class ParleyConfig {

  private static final List<String> MODULE_LAYERS =
      List.of("parley/cluster/base.conf", "parley/persistence.conf", "parley/gateway.conf");

  private ParleyConfig() {}

  public static Config load(Config overrides) {
    Config application =
        overrides
            .withFallback(ConfigFactory.defaultOverrides())
            .withFallback(ConfigFactory.defaultApplication());
    Config reference = ConfigFactory.defaultReference();
    String mode =
        application.withFallback(reference).resolve().getString("parley.cluster.mode");
    Config layered = application.withFallback(layer("parley/cluster/" + mode + ".conf", true));
    for (String module : MODULE_LAYERS) {
      layered = layered.withFallback(layer(module, false));
    }
    return layered.withFallback(reference).resolve();
  }

  private static Config layer(String resource, boolean required) {
    URL url = ParleyConfig.class.getClassLoader().getResource(resource);
    if (url == null) {
      if (required) {
        throw new IllegalArgumentException(
            "parley.cluster.mode names a layer that does not exist: " + resource);
      }
      return ConfigFactory.empty();
    }
    return ConfigFactory.parseURL(url);
  }
}
