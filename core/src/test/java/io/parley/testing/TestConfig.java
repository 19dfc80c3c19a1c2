package io.parley.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.room.RoomSettings;
import io.parley.validation.FieldLimits;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** Configuration shared by the core tests. */
public final class TestConfig {

  private TestConfig() {}

  /**
   * An actor system for tests: the in-memory journal and snapshot store of the persistence
   * testkit, every message serialized on send (so a message that does not round trip through the
   * Jackson CBOR serializer is caught), and the core {@code reference.conf}.
   */
  public static Config actorSystem() {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.serialize-messages = on",
                "pekko.loglevel = WARNING",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\""))
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /**
   * The {@code parley} block of the core {@code reference.conf}, but rooms relay each cursor at
   * once ({@code room.cursor-interval = 0}), so tests see every cursor in order; the tests of
   * the coalescing set an interval themselves.
   */
  public static Config parley() {
    return ConfigFactory.parseString("room.cursor-interval = 0")
        .withFallback(ConfigFactory.load().getConfig("parley"));
  }

  public static RoomSettings roomSettings() {
    return RoomSettings.fromConfig(parley());
  }

  /** Room settings with {@code overrides} (HOCON relative to {@code parley}) on the defaults. */
  public static RoomSettings roomSettings(String overrides) {
    return RoomSettings.fromConfig(ConfigFactory.parseString(overrides).withFallback(parley()));
  }

  public static FieldLimits defaultLimits() {
    return FieldLimits.fromConfig(parley().getConfig("limits"));
  }
}
