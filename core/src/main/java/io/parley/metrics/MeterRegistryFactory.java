package io.parley.metrics;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Makes the meter registry of a node ({@code parley.metrics.registry-factory} names the class,
 * which needs a public no-argument constructor). The node's own ({@code cluster-config}) makes a
 * Prometheus registry; without one, meters go to an in-memory registry nobody reads.
 */
public interface MeterRegistryFactory {

  /** The registry of an actor system whose configuration is {@code config}. */
  MeterRegistry create(Config config);
}
