package io.parley.presence;

import java.util.Locale;

/** A member with at least one open session is online; one whose connections were lost, away. */
public enum MemberStatus {
  ONLINE,
  AWAY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
