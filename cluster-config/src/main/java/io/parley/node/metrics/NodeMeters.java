package io.parley.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.parley.gateway.GatewayMetrics;
import io.parley.metrics.ParleyMetrics;
import io.parley.room.RoomMetrics;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The meters of a whole node, registered when it starts: the JVM's (memory, garbage collection,
 * threads, classes, CPU, open files, uptime), the cluster as this node sees it (members by
 * status, unreachable members), and Parley's own ({@link RoomMetrics}, {@link GatewayMetrics}),
 * made at once so that every series is there, at zero, from the first scrape.
 */
public final class NodeMeters {

  private static final MemberStatus[] STATUSES = {
    MemberStatus.joining(), MemberStatus.weaklyUp(), MemberStatus.up(), MemberStatus.leaving(),
    MemberStatus.exiting(), MemberStatus.down(), MemberStatus.removed()
  };

  private NodeMeters() {}

  /** Registers them; the garbage collection listener goes with the actor system. */
  public static void register(ActorSystem<?> system) {
    MeterRegistry registry = ParleyMetrics.get(system).registry();
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    system.getWhenTerminated().thenRun(gc::close);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .description("CPU time the node's JVM process used")
          .baseUnit("seconds")
          .register(registry);
    }
    Cluster cluster = Cluster.get(system);
    for (MemberStatus status : STATUSES) {
      Gauge.builder("parley.cluster.members", cluster, c -> members(c.state(), status))
          .description("Members of the cluster as this node sees them, by status")
          .tag("status", name(status))
          .register(registry);
    }
    Gauge.builder("parley.cluster.unreachable.members", cluster, c -> c.state().getUnreachable().size())
        .description("Members this node's failure detector marks unreachable")
        .register(registry);
    RoomMetrics.of(system);
    GatewayMetrics.of(system);
  }

  private static double members(ClusterEvent.CurrentClusterState state, MemberStatus status) {
    return StreamSupport.stream(state.getMembers().spliterator(), false)
        .map(Member::status)
        .filter(status::equals)
        .count();
  }

  /** {@code WeaklyUp} as {@code weakly_up}. */
  private static String name(MemberStatus status) {
    return status.toString().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
