package io.parley.gateway;

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
}
