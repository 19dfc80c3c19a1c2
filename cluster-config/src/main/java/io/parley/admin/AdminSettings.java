package io.parley.admin;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The admin API's settings ({@code parley.management.admin}).
 *
 * @param defaultPageSize rooms per page of {@code GET /admin/rooms} without {@code limit}
 * @param maxPageSize the largest {@code limit} accepted
 * @param askTimeout how long a route waits for a room, or for each node's list of its rooms
 */
public record AdminSettings(int defaultPageSize, int maxPageSize, Duration askTimeout) {

  public AdminSettings {
    if (defaultPageSize < 1 || maxPageSize < defaultPageSize) {
      throw new IllegalArgumentException(
          "parley.management.admin: need 1 <= default-page-size <= max-page-size, were "
              + defaultPageSize
              + " and "
              + maxPageSize);
    }
  }

  /** From the {@code parley} section of the node's configuration. */
  public static AdminSettings fromConfig(Config parley) {
    Config admin = parley.getConfig("management.admin");
    return new AdminSettings(
        admin.getInt("default-page-size"),
        admin.getInt("max-page-size"),
        admin.getDuration("ask-timeout"));
  }
}
