package io.parley.benchmarks.idle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened to the connections of one client process. Touched by its selector thread only;
 * {@link #snapshot()} is taken on that thread too.
 */
final class ClientCounters {

  int open;
  long welcomed;
  long heartbeatsSent;
  long pongFramesReceived;
  long serverPingsReceived;
  long pongsSent;
  long eventFramesReceived;
  long otherTextFramesReceived;
  long closeTimeouts;
  final Map<String, Long> connectFailures = new TreeMap<>();
  final Map<String, Long> closedByServer = new TreeMap<>();
  final Map<String, Long> lostAfterWelcome = new TreeMap<>();
  final Map<String, Long> errorFrames = new TreeMap<>();

  static void count(Map<String, Long> counts, String key) {
    counts.merge(key, 1L, Long::sum);
  }

  Map<String, Object> snapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("open", open);
    m.put("welcomed", welcomed);
    m.put("connectFailures", new TreeMap<>(connectFailures));
    m.put("closedByServer", new TreeMap<>(closedByServer));
    m.put("lostAfterWelcome", new TreeMap<>(lostAfterWelcome));
    m.put("errorFrames", new TreeMap<>(errorFrames));
    m.put("heartbeatsSent", heartbeatsSent);
    m.put("pongFramesReceived", pongFramesReceived);
    m.put("serverPingsReceived", serverPingsReceived);
    m.put("pongsSent", pongsSent);
    m.put("eventFramesReceived", eventFramesReceived);
    m.put("otherTextFramesReceived", otherTextFramesReceived);
    m.put("closeTimeouts", closeTimeouts);
    return m;
  }
}
