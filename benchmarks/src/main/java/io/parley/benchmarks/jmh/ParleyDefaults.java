package io.parley.benchmarks.jmh;

import com.typesafe.config.ConfigFactory;
import io.parley.room.RoomSettings;

/**
 * Parley's default room settings and limits, from the {@code reference.conf} files on the
 * classpath: what a node runs with unless configured otherwise.
 */
final class ParleyDefaults {

  private ParleyDefaults() {}

  static RoomSettings roomSettings() {
    return RoomSettings.fromConfig(ConfigFactory.load().getConfig("parley"));
  }
}
