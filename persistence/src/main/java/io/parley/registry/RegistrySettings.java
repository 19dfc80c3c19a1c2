package io.parley.registry;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code parley.registry}: the public room registry's pool, projection batches and pages.
 *
 * @param poolSize connections of the registry's own pool (its projection and its reads)
 * @param groupSize events the projection writes in one transaction at most
 * @param groupWithin how long the projection waits to fill a group before writing what it has
 * @param defaultPageSize rooms in a page when the request does not say
 * @param maxPageSize the largest page a request may ask for
 */
public record RegistrySettings(
    int poolSize, int groupSize, Duration groupWithin, int defaultPageSize, int maxPageSize) {

  public static RegistrySettings fromConfig(Config parley) {
    Config registry = parley.getConfig("registry");
    return new RegistrySettings(
        registry.getInt("pool-size"),
        registry.getInt("group-size"),
        registry.getDuration("group-within"),
        registry.getInt("default-page-size"),
        registry.getInt("max-page-size"));
  }
}
