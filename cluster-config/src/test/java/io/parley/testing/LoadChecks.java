package io.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

/** Checks shared by the tests that run {@link LoadClient}s through node failures. */
public final class LoadChecks {

  private LoadChecks() {}

  /**
   * {@code userId/commandId} → version of every {@code state.changed} among {@code events}; fails
   * on a command applied twice.
   */
  public static Map<String, Long> appliedCommands(List<JsonNode> events) {
    Map<String, Long> applied = new HashMap<>();
    for (JsonNode event : events) {
      if (event.path("kind").asText().equals("state.changed")) {
        String command = event.path("userId").asText() + "/" + event.path("id").asText();
        Long before = applied.put(command, event.path("version").asLong());
        assertThat(before).as("command %s applied once (also at %s)", command, before).isNull();
      }
    }
    return applied;
  }

  /** userId → sessions of the members of a presence answer or snapshot; fails on a duplicate. */
  public static Map<String, Integer> sessionsByUser(JsonNode presenceOrSnapshot) {
    Map<String, Integer> sessions = new TreeMap<>();
    for (JsonNode member : presenceOrSnapshot.path("members")) {
      Integer before = sessions.put(member.path("userId").asText(), member.path("sessions").asInt());
      assertThat(before).as("one member per user: %s", presenceOrSnapshot).isNull();
    }
    return sessions;
  }

  /** {@code from, from + 1, …, through}. */
  public static List<Long> range(long from, long through) {
    return LongStream.rangeClosed(from, through).boxed().toList();
  }

  /** What a failed load test prints before it throws: what each client noted, the nodes' logs. */
  public static void printDiagnostics(List<LoadClient> clients, LocalCluster cluster) {
    clients.forEach(client -> System.out.println("  " + client + ": " + client.notes()));
    System.out.println(cluster.logs());
  }
}
