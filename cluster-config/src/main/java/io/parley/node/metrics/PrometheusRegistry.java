package io.parley.node.metrics;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.parley.metrics.MeterRegistryFactory;

/**
 * A node's meter registry: Prometheus's, scraped at {@code GET /metrics} on the management port
 * ({@code parley.metrics.registry-factory} in {@code parley/cluster/base.conf}).
 */
public final class PrometheusRegistry implements MeterRegistryFactory {

  public PrometheusRegistry() {}

  /**
   * Meters of Micrometer's binders whose Prometheus names {@code promtool check metrics} refuses:
   * {@code process_cpu_time_ns_total} (an abbreviated unit; {@link NodeMeters} registers {@code
   * process_cpu_seconds_total} instead) and {@code system_cpu_count} (a gauge named like a
   * histogram's count).
   */
  static final java.util.List<String> REFUSED_BY_PROMTOOL =
      java.util.List.of("process.cpu.time", "system.cpu.count");

  @Override
  public MeterRegistry create(Config config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        .meterFilter(
            MeterFilter.deny(id -> REFUSED_BY_PROMTOOL.contains(id.getName())));
    return registry;
  }
}
