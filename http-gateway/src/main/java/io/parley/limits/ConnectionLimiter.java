package io.parley.limits;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The connection limits of one gateway node: new connections per client address per time
 * window, concurrent connections per address and per user. Thread-safe; a connection holds a
 * {@link Lease} from admission until its socket ends.
 */
public final class ConnectionLimiter {

  /** Above this many tracked addresses, idle ones are swept on admission. */
  private static final int SWEEP_THRESHOLD = 10_000;

  private final ConnectionLimits limits;
  private final LongSupplier nanoTime;
  private final Map<String, AddressUse> addresses = new ConcurrentHashMap<>();
  private final Map<String, Integer> users = new ConcurrentHashMap<>();

  public ConnectionLimiter(ConnectionLimits limits, LongSupplier nanoTime) {
    this.limits = limits;
    this.nanoTime = nanoTime;
  }

  public ConnectionLimiter(ConnectionLimits limits) {
    this(limits, System::nanoTime);
  }

  /** A lease for a new connection from {@code address}, or why it is refused. */
  public Admission admit(String address) {
    long now = nanoTime.getAsLong();
    if (addresses.size() > SWEEP_THRESHOLD) {
      sweep(now);
    }
    String[] refusal = new String[1];
    addresses.compute(
        address,
        (key, use) -> {
          AddressUse current = use == null ? new AddressUse(now, 0, 0) : use.inWindowAt(now, limits.window());
          if (current.open() >= limits.perAddress()) {
            refusal[0] = "more than " + limits.perAddress() + " open connections from this address";
            return current;
          }
          if (current.openedInWindow() >= limits.newPerAddressPerWindow()) {
            refusal[0] =
                "more than "
                    + limits.newPerAddressPerWindow()
                    + " new connections from this address within "
                    + limits.window().toSeconds()
                    + " s";
            return current;
          }
          return new AddressUse(current.windowStart(), current.openedInWindow() + 1, current.open() + 1);
        });
    return refusal[0] != null
        ? new Admission(Optional.empty(), Optional.of(refusal[0]))
        : new Admission(Optional.of(new Lease(address)), Optional.empty());
  }

  int trackedAddresses() {
    return addresses.size();
  }

  private void sweep(long now) {
    for (Iterator<Map.Entry<String, AddressUse>> it = addresses.entrySet().iterator(); it.hasNext(); ) {
      AddressUse use = it.next().getValue();
      if (use.open() == 0 && now - use.windowStart() >= limits.window().toNanos()) {
        it.remove();
      }
    }
  }

  /** Either a lease or the reason for refusing the connection. */
  public record Admission(Optional<Lease> lease, Optional<String> refusal) {}

  private record AddressUse(long windowStart, int openedInWindow, int open) {
    AddressUse inWindowAt(long now, Duration window) {
      return now - windowStart >= window.toNanos() ? new AddressUse(now, 0, open) : this;
    }
  }

  /** What one connection holds; released exactly once when its socket ends. */
  public final class Lease {
    private final String address;
    private String userId;
    private boolean released;

    private Lease(String address) {
      this.address = address;
    }

    /** Counts the connection against its user; false when the user has too many already. */
    public synchronized boolean bindUser(String user) {
      if (released || userId != null) {
        return userId != null && userId.equals(user);
      }
      boolean[] admitted = new boolean[1];
      users.compute(
          user,
          (key, open) -> {
            int current = open == null ? 0 : open;
            admitted[0] = current < limits.perUser();
            return admitted[0] ? current + 1 : (current == 0 ? null : current);
          });
      if (admitted[0]) {
        userId = user;
      }
      return admitted[0];
    }

    public synchronized void release() {
      if (released) {
        return;
      }
      released = true;
      addresses.computeIfPresent(
          address,
          (key, use) -> {
            AddressUse after = new AddressUse(use.windowStart(), use.openedInWindow(), use.open() - 1);
            boolean idle = after.open() == 0 && nanoTime.getAsLong() - after.windowStart() >= limits.window().toNanos();
            return idle ? null : after;
          });
      if (userId != null) {
        users.computeIfPresent(userId, (key, open) -> open <= 1 ? null : open - 1);
      }
    }
  }
}
