package io.parley.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The rule every connection delivers by: each version once, in order, no gap. Tracks the last
 * version delivered and says what to do with the next one that arrives.
 */
final class DeliveryOrder {

  enum Verdict {
    /** The next version: deliver it. */
    DELIVER,
    /** Already delivered: drop it. */
    DUPLICATE,
    /** Versions are missing before it: fetch them first. */
    GAP
  }

  private long lastVersion;

  DeliveryOrder(long startVersion) {
    this.lastVersion = startVersion;
  }

  long lastVersion() {
    return lastVersion;
  }

  /** Judges a version that arrived; a {@code DELIVER} verdict counts it as delivered. */
  Verdict arrived(long version) {
    if (version <= lastVersion) {
      return Verdict.DUPLICATE;
    }
    if (version != lastVersion + 1) {
      return Verdict.GAP;
    }
    lastVersion = version;
    return Verdict.DELIVER;
  }

  /**
   * The events of a catch-up that continue the sequence, in order; those already delivered and
   * any after a hole are left out (a later arrival finds the hole again).
   */
  <T> List<T> continuing(List<T> events, ToLongFunction<T> version) {
    List<T> next = new ArrayList<>();
    for (T event : events) {
      if (arrived(version.applyAsLong(event)) == Verdict.DELIVER) {
        next.add(event);
      }
    }
    return next;
  }
}
