package io.parley.limits;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code parley.limits.connections}: how many connections one address and one user may hold. */
public record ConnectionLimits(
    int perAddress, int newPerAddressPerWindow, Duration window, int perUser) {

  public static ConnectionLimits fromConfig(Config connections) {
    return new ConnectionLimits(
        connections.getInt("per-address"),
        connections.getInt("new-per-address"),
        connections.getDuration("new-per-address-window"),
        connections.getInt("per-user"));
  }
}
