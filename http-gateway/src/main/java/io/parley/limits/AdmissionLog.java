package io.parley.limits;

/**
 * The times of the last admissions from one address: a sliding-window log. An admission is
 * allowed while fewer than {@code limit} of them lie within the window before it, so no
 * window-long span ever holds more than {@code limit}; memory is {@code limit} longs. Not
 * thread-safe: its owner serialises access.
 */
final class AdmissionLog {

  private final long windowNanos;
  /** A ring of admission times; {@code next} is the oldest once the ring is full. */
  private final long[] times;
  private int next;
  private int count;

  AdmissionLog(int limit, long windowNanos) {
    this.times = new long[limit];
    this.windowNanos = windowNanos;
  }

  /** Records an admission at {@code now} if the window before it has room; false otherwise. */
  boolean tryAdmit(long now) {
    if (times.length == 0 || (count == times.length && now - times[next] < windowNanos)) {
      return false;
    }
    times[next] = now;
    next = (next + 1) % times.length;
    count = Math.min(count + 1, times.length);
    return true;
  }

  /** True when every admission left the window: forgetting them changes no later decision. */
  boolean isEmptyAt(long now) {
    return count == 0 || now - newest() >= windowNanos;
  }

  private long newest() {
    return times[(next - 1 + times.length) % times.length];
  }
}
