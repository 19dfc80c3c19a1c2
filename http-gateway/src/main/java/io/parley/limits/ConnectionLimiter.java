package io.parley.limits;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The connection limits of one gateway node: new connections per client address within any
 * window-long span (a sliding window), concurrent connections per address and per user.
 * Thread-safe: an address's counts change only inside the map's atomic {@code compute} for it. A
 * connection holds a {@link Lease} from admission until its socket ends.
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
          AddressUse current = use == null ? newAddressUse() : use;
          if (current.open >= limits.perAddress()) {
            refusal[0] = "more than " + limits.perAddress() + " open connections from this address";
          } else if (!current.recent.tryAdmit(now)) {
            refusal[0] =
                "more than "
                    + limits.newPerAddressPerWindow()
                    + " new connections from this address within "
                    + limits.window().toSeconds()
                    + " s";
          } else {
            current.open++;
          }
          return current;
        });
    return refusal[0] != null
        ? new Admission(Optional.empty(), Optional.of(refusal[0]))
        : new Admission(Optional.of(new Lease(address)), Optional.empty());
  }

  int trackedAddresses() {
    return addresses.size();
  }

  private AddressUse newAddressUse() {
    return new AddressUse(new AdmissionLog(limits.newPerAddressPerWindow(), limits.window().toNanos()));
  }

  private void sweep(long now) {
    for (String address : addresses.keySet()) {
      addresses.computeIfPresent(address, (key, use) -> use.isIdleAt(now) ? null : use);
    }
  }

  /** Either a lease or the reason for refusing the connection. */
  public record Admission(Optional<Lease> lease, Optional<String> refusal) {}

  /** What one address holds; changed only inside the map's {@code compute} for that address. */
  private static final class AddressUse {
    private final AdmissionLog recent;
    private int open;

    AddressUse(AdmissionLog recent) {
      this.recent = recent;
    }

    /** Nothing open and nothing in the window: forgetting the address changes nothing. */
    boolean isIdleAt(long now) {
      return open == 0 && recent.isEmptyAt(now);
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
            use.open--;
            return use.isIdleAt(nanoTime.getAsLong()) ? null : use;
          });
      if (userId != null) {
        users.computeIfPresent(userId, (key, open) -> open <= 1 ? null : open - 1);
      }
    }
  }
}
