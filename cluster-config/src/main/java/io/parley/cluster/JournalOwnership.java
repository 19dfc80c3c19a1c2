package io.parley.cluster;

import com.typesafe.config.Config;
import io.parley.persistence.JournalDatabase;
import io.parley.persistence.JournalOwner;
import io.parley.persistence.JournalOwner.Held;
import io.parley.persistence.JournalOwner.HeldByOther;
import io.parley.persistence.JournalOwner.Lease;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Parley cluster per journal database (docs/PERSISTENCE.md#one-cluster-per-journal). A cluster
 * singleton holds the lease of {@link JournalOwner} for its node and renews it every ttl/3; it
 * releases it when it stops, so a handover or a restart does not wait for the ttl. A node serves
 * rooms only once the lease is held by a member of its own cluster ({@link #guard}); a cluster that
 * loses the lease to another one, or cannot renew it before it expires, shuts down.
 */
public final class JournalOwnership {

  private static final Logger log = LoggerFactory.getLogger(JournalOwnership.class);

  /** The exit status of a node that shut down because it lost its journal database. */
  public static final int EXIT_LOST = 3;

  private static final Duration START_POLL = Duration.ofMillis(100);

  /** {@code parley.cluster.journal-owner}. */
  public record Settings(boolean enabled, Duration ttl, Duration startTimeout) {

    public static Settings fromConfig(Config config, JournalDatabase database) {
      Config owner = config.getConfig("parley.cluster.journal-owner");
      String enabled = owner.getString("enabled").trim().toLowerCase(java.util.Locale.ROOT);
      boolean on =
          switch (enabled) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            case "auto" -> !database.embedded();
            default ->
                throw new IllegalArgumentException(
                    "parley.cluster.journal-owner.enabled (PARLEY_JOURNAL_OWNER) must be auto, on"
                        + " or off, got \""
                        + enabled
                        + "\"");
          };
      return new Settings(on, owner.getDuration("ttl"), owner.getDuration("start-timeout"));
    }

    Duration renewEvery() {
      return ttl.dividedBy(3);
    }
  }

  /** Why coordinated shutdown ran: another cluster owns the journal, or it could not be renewed. */
  public enum LostReason implements CoordinatedShutdown.Reason {
    INSTANCE
  }

  private JournalOwnership() {}

  /**
   * Starts the singleton and blocks until this node has joined its cluster ({@code Up}) and the
   * journal's lease is held by a member of that cluster. Fails with a clear message when another
   * cluster holds it (seen renewing it, or still holding it after {@code start-timeout}). Call
   * before room sharding starts.
   */
  public static void guard(ActorSystem<?> system, JournalDatabase database) throws Exception {
    Settings settings = Settings.fromConfig(system.settings().config(), database);
    if (!settings.enabled()) {
      log.info(
          "journal ownership check off ({}): parley.cluster.journal-owner.enabled",
          database.embedded() ? "an embedded H2 database is locked by its one process" : "off");
      return;
    }
    JournalOwner owner = new JournalOwner(database, settings.ttl());
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                    singleton(owner, database, settings, () -> shutDown(system)), "journal-owner")
                .withStopMessage(Command.RELEASE)
                .withProps(DispatcherSelector.blocking()));
    awaitUp(system);
    awaitOwnedByMyCluster(system, owner, database, settings);
  }

  /** This node's identity in the lease: its address and the uid of this incarnation. */
  public static String nodeId(UniqueAddress node) {
    return node.address() + "#" + node.longUid();
  }

  private static Predicate<String> members(ActorSystem<?> system) {
    return holder -> {
      Set<String> ids =
          StreamSupport.stream(
                  Cluster.get(system).state().getMembers().spliterator(), false)
              .filter(
                  m ->
                      m.status() != MemberStatus.down() && m.status() != MemberStatus.removed())
              .map(Member::uniqueAddress)
              .map(JournalOwnership::nodeId)
              .collect(Collectors.toSet());
      return ids.contains(holder);
    };
  }

  private static void awaitUp(ActorSystem<?> system) throws Exception {
    CompletableFuture<Void> up = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(system).registerOnMemberUp(() -> up.complete(null));
    system
        .getWhenTerminated()
        .thenRun(() -> up.completeExceptionally(new IllegalStateException("stopped while joining")));
    try {
      up.get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  static void awaitOwnedByMyCluster(
      ActorSystem<?> system, JournalOwner owner, JournalDatabase database, Settings settings)
      throws Exception {
    Predicate<String> isMember = members(system);
    long deadline = System.nanoTime() + settings.startTimeout().toNanos();
    Lease firstForeign = null;
    Exception lastError = null;
    while (true) {
      Optional<Lease> lease = Optional.empty();
      try {
        lease = owner.read();
      } catch (Exception e) {
        lastError = e;
      }
      if (lease.isPresent() && isMember.test(lease.get().holder())) {
        log.info("journal database {} is held by this node's cluster ({})", database, lease.get().holder());
        return;
      }
      Lease foreign = lease.filter(l -> !l.expired()).orElse(null);
      if (foreign != null) {
        if (firstForeign == null) {
          firstForeign = foreign;
          log.warn(
              "journal database {} is held by {} until {}, not a member of this cluster: waiting"
                  + " up to {} for it to expire",
              database,
              foreign.holder(),
              foreign.expiresAt(),
              settings.startTimeout());
        } else if (foreign.version() != firstForeign.version()) {
          throw inUse(database, foreign); // renewed meanwhile: that cluster is alive
        }
      }
      if (System.nanoTime() > deadline) {
        if (foreign != null) {
          throw inUse(database, foreign);
        }
        throw new IllegalStateException(
            "this node's cluster did not take the journal database "
                + database
                + " within "
                + settings.startTimeout()
                + " (parley.cluster.journal-owner.start-timeout)"
                + (lastError == null ? "" : ": " + lastError.getMessage()),
            lastError);
      }
      if (system.whenTerminated().isCompleted()) {
        throw new IllegalStateException("stopped while waiting for the journal database");
      }
      Thread.sleep(START_POLL.toMillis());
    }
  }

  private static IllegalStateException inUse(JournalDatabase database, Lease lease) {
    return new IllegalStateException(
        "the journal database "
            + database
            + " is in use by another Parley cluster (owner "
            + lease.holder()
            + " until "
            + lease.expiresAt()
            + "); this node will not serve rooms from it. Stop that cluster, give this node a"
            + " database of its own (PARLEY_DB_URL), or join it to that cluster (PARLEY_SEED_NODES)");
  }

  /** Runs coordinated shutdown and exits the JVM with {@link #EXIT_LOST}. */
  private static void shutDown(ActorSystem<?> system) {
    Thread exit =
        new Thread(
            () -> {
              CoordinatedShutdown.get(system).runAll(LostReason.INSTANCE).toCompletableFuture().join();
              System.exit(EXIT_LOST);
            },
            "journal-owner-lost");
    exit.start();
  }

  enum Command implements io.parley.serialization.CborSerializable {
    TICK,
    RELEASE
  }

  static Behavior<Command> singleton(
      JournalOwner owner, JournalDatabase database, Settings settings, Runnable onLost) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  Holder holder =
                      new Holder(
                          owner,
                          database,
                          settings,
                          onLost,
                          nodeId(Cluster.get(context.getSystem()).selfMember().uniqueAddress()),
                          members(context.getSystem()),
                          timers);
                  context.getSelf().tell(Command.TICK);
                  return Behaviors.receive(Command.class)
                      .onMessageEquals(Command.TICK, holder::tick)
                      .onMessageEquals(Command.RELEASE, Behaviors::stopped)
                      .onSignal(PostStop.class, signal -> holder.release())
                      .build();
                }));
  }

  /** The singleton's state: whether it holds the lease, and since when it must be renewed. */
  private static final class Holder {
    private final JournalOwner owner;
    private final JournalDatabase database;
    private final Settings settings;
    private final Runnable onLost;
    private final String me;
    private final Predicate<String> isMember;
    private final TimerScheduler<Command> timers;
    private boolean holding;
    private boolean lost;
    private long expiresNanos;
    private boolean warned;

    Holder(
        JournalOwner owner,
        JournalDatabase database,
        Settings settings,
        Runnable onLost,
        String me,
        Predicate<String> isMember,
        TimerScheduler<Command> timers) {
      this.owner = owner;
      this.database = database;
      this.settings = settings;
      this.onLost = onLost;
      this.me = me;
      this.isMember = isMember;
      this.timers = timers;
    }

    Behavior<Command> tick() {
      if (lost) {
        return Behaviors.same();
      }
      long sent = System.nanoTime();
      Duration every = settings.renewEvery();
      try {
        JournalOwner.Outcome outcome = owner.acquire(me, isMember);
        if (outcome instanceof Held held) {
          if (!holding) {
            log.info(
                "this node holds the journal database {} for its cluster{}",
                database,
                held.previous() == null
                    ? ""
                    : " (previous holder " + held.previous().holder() + (held.previous().expired() ? ", expired " + held.previous().expiresAt() : "") + ")");
          }
          holding = true;
          warned = false;
          // the database's expiry is at least its now + ttl, and its now is after `sent`
          expiresNanos = sent + settings.ttl().toNanos();
        } else if (outcome instanceof HeldByOther other) {
          if (holding) {
            lose(
                "the journal database "
                    + database
                    + " was taken by another Parley cluster (owner "
                    + other.lease().holder()
                    + " until "
                    + other.lease().expiresAt()
                    + ")");
            return Behaviors.same();
          }
          if (!warned) {
            warned = true;
            log.warn(
                "journal database {} is held by another Parley cluster ({} until {}); this"
                    + " cluster serves no rooms from it until that lease expires",
                database,
                other.lease().holder(),
                other.lease().expiresAt());
          }
        }
      } catch (Exception e) {
        if (holding && System.nanoTime() + every.toNanos() >= expiresNanos) {
          lose(
              "could not renew this cluster's hold on the journal database "
                  + database
                  + " before it expires: "
                  + e.getMessage());
          return Behaviors.same();
        }
        log.warn("could not renew the hold on the journal database {}: {}", database, e.getMessage());
      }
      timers.startSingleTimer(Command.TICK, holding ? every : min(every, Duration.ofSeconds(1)));
      return Behaviors.same();
    }

    private void lose(String why) {
      lost = true;
      holding = false;
      log.error(
          "{}; another cluster may now write to it: this node stops serving rooms and shuts down"
              + " (exit status {})",
          why,
          EXIT_LOST);
      onLost.run();
    }

    Behavior<Command> release() {
      if (holding) {
        try {
          if (owner.release(me)) {
            log.info("released the journal database {}", database);
          }
        } catch (Exception e) {
          log.warn(
              "could not release the journal database {} (the next owner waits for the ttl): {}",
              database,
              e.getMessage());
        }
      }
      return Behaviors.same();
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }
}
