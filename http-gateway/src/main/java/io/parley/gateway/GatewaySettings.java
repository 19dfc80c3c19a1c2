package io.parley.gateway;

import com.typesafe.config.Config;
import io.parley.limits.ConnectionLimits;
import java.time.Duration;
import java.util.Optional;

/** The gateway settings from {@code parley.gateway}; see docs/CONFIGURATION.md. */
public record GatewaySettings(
    String host,
    int port,
    int maxFrameBytes,
    int outboundBufferFrames,
    Duration closeDrainTimeout,
    Duration helloTimeout,
    Duration commandTimeout,
    Duration commandTimeoutAfterRoomRestart,
    Duration heartbeatInterval,
    Duration idleTimeout,
    Duration activityReportInterval,
    long resumeMaxEvents,
    Duration drainTimeout,
    Duration reconnectSpread,
    ConnectionLimits connectionLimits,
    int invalidFramesMax,
    Duration invalidFramesWindow) {

  public static GatewaySettings fromConfig(Config parley) {
    Config gateway = parley.getConfig("gateway");
    return new GatewaySettings(
        gateway.getString("host"),
        gateway.getInt("port"),
        (int) gateway.getBytes("max-frame-size").longValue(),
        gateway.getInt("outbound-buffer"),
        gateway.getDuration("close-drain-timeout"),
        gateway.getDuration("hello-timeout"),
        gateway.getDuration("command-timeout"),
        gateway.getDuration("command-timeout-after-room-restart"),
        gateway.getDuration("heartbeat-interval"),
        gateway.getDuration("idle-timeout"),
        gateway.getDuration("activity-report-interval"),
        gateway.getLong("resume-max-events"),
        gateway.getDuration("drain.timeout"),
        gateway.getDuration("drain.reconnect-spread"),
        ConnectionLimits.fromConfig(parley.getConfig("limits.connections")),
        parley.getInt("limits.invalid-frames.max"),
        parley.getDuration("limits.invalid-frames.window"));
  }

  /**
   * Whether a client that last applied {@code lastVersion} gets the events it missed rather than
   * a fresh snapshot of the room at {@code currentVersion}: when it is not too far behind ({@code
   * resume-max-events}) nor ahead (a version the room never had).
   */
  public boolean resumes(Optional<Long> lastVersion, long currentVersion) {
    return lastVersion.isPresent()
        && lastVersion.get() <= currentVersion
        && currentVersion - lastVersion.get() <= resumeMaxEvents;
  }
}
