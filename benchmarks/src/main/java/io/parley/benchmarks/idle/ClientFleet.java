package io.parley.benchmarks.idle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@link IdleConnections} processes of a run, used as one: connections are spread evenly over
 * them, and their answers are added up.
 */
final class ClientFleet implements AutoCloseable {

  private final List<WorkerProcess> processes = new ArrayList<>();
  private final long connectTimeoutSeconds;

  ClientFleet(int size, List<String> jvmFlags, List<String> args, long connectTimeoutSeconds) {
    this.connectTimeoutSeconds = connectTimeoutSeconds;
    for (int i = 0; i < size; i++) {
      processes.add(WorkerProcess.start(i, jvmFlags, args));
    }
  }

  int size() {
    return processes.size();
  }

  /**
   * Opens connections {@code first} .. {@code first + count - 1}, an even share in each process;
   * the answer once all are welcomed or failed: counts, failures, the longest process's seconds,
   * every connection's time to welcome.
   */
  JsonNode open(int count, int first, String prefix) {
    int next = first;
    for (int i = 0; i < processes.size(); i++) {
      int share = count / processes.size() + (i < count % processes.size() ? 1 : 0);
      processes.get(i).send("open " + share + " " + next + " " + prefix);
      next += share;
    }
    // a process opens its connections a few dozen at a time; the last may take the connect timeout
    return answers(connectTimeoutSeconds + 60L + count / 50);
  }

  /** Counters of all processes, added up. */
  JsonNode status() {
    processes.forEach(p -> p.send("status"));
    return answers(60);
  }

  /** Leaves and closes every connection; answered once all are closed. */
  JsonNode closeAll() {
    processes.forEach(p -> p.send("close"));
    return answers(60);
  }

  /** CPU ticks (user + system) the processes have used so far. */
  long cpuTicks() {
    long ticks = 0;
    for (WorkerProcess p : processes) {
      ticks += ProcFs.cpuTicks(p.pid());
    }
    return ticks;
  }

  @Override
  public void close() {
    processes.forEach(WorkerProcess::close);
  }

  private JsonNode answers(long timeoutSeconds) {
    ObjectNode total = JsonNodeFactory.instance.objectNode();
    for (WorkerProcess p : processes) {
      add(total, p.reply(timeoutSeconds));
    }
    total.remove("command");
    return total;
  }

  /** Numbers added ("seconds": the longest), objects merged, arrays joined. */
  static void add(ObjectNode total, JsonNode reply) {
    for (Iterator<Map.Entry<String, JsonNode>> it = reply.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      JsonNode have = total.get(key);
      if (value.isObject()) {
        add(have instanceof ObjectNode o ? o : total.putObject(key), value);
      } else if (value.isArray()) {
        (have instanceof ArrayNode a ? a : total.putArray(key)).addAll((ArrayNode) value);
      } else if (value.isIntegralNumber()) {
        total.put(key, (have == null ? 0 : have.asLong()) + value.asLong());
      } else if (value.isNumber()) {
        double before = have == null ? 0 : have.asDouble();
        total.put(key, key.equals("seconds") ? Math.max(before, value.asDouble()) : before + value.asDouble());
      } else {
        total.set(key, value);
      }
    }
  }
}
