package io.parley.metrics;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * The meter registry of one node (actor system), reachable from every module: rooms (core), the
 * gateway and the node record their meters here, and the node exposes the registry on its
 * management port ({@code GET /metrics}). Each module keeps its meters in one object of its own,
 * made once per node: {@link #meters}.
 */
public final class ParleyMetrics implements Extension {

  /** The extension's id: {@code ParleyMetrics.get(system)}. */
  public static final Id ID = new Id();

  private final MeterRegistry registry;
  private final Map<Class<?>, Object> meterSets = new ConcurrentHashMap<>();

  ParleyMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public static ParleyMetrics get(ClassicActorSystemProvider system) {
    return ID.get(system.classicSystem());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The node's one instance of a module's meters, made from the registry by {@code create} the
   * first time it is asked for.
   */
  public <T> T meters(Class<T> type, Function<MeterRegistry, T> create) {
    return type.cast(meterSets.computeIfAbsent(type, t -> create.apply(registry)));
  }

  /** The extension's id. */
  public static final class Id extends AbstractExtensionId<ParleyMetrics>
      implements ExtensionIdProvider {

    @Override
    public Id lookup() {
      return ID;
    }

    @Override
    public ParleyMetrics createExtension(ExtendedActorSystem system) {
      return new ParleyMetrics(registryOf(system.settings().config()));
    }
  }

  static MeterRegistry registryOf(Config config) {
    String factory = config.getString("parley.metrics.registry-factory");
    if (factory.isBlank()) {
      return new SimpleMeterRegistry();
    }
    try {
      return Class.forName(factory)
          .asSubclass(MeterRegistryFactory.class)
          .getDeclaredConstructor()
          .newInstance()
          .create(config);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(
          "parley.metrics.registry-factory: cannot make a meter registry with " + factory, e);
    }
  }
}
