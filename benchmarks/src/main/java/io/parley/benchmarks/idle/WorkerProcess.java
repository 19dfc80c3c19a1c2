package io.parley.benchmarks.idle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@link IdleConnections} process started by the benchmark, talked to over its stdin and
 * stdout: a command line out, one JSON line back.
 */
final class WorkerProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int id;
  private final Process process;
  private final PrintWriter commands;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

  private WorkerProcess(int id, Process process) {
    this.id = id;
    this.process = process;
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  if (line.startsWith("{")) {
                    replies.add(line);
                  } else {
                    System.err.println("[client " + id + "] " + line);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "client-" + id + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code java <jvmFlags> -cp <this classpath> IdleConnections <args>}. */
  static WorkerProcess start(int id, List<String> jvmFlags, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(IdleConnections.class.getName());
    command.addAll(args);
    try {
      return new WorkerProcess(
          id, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  void send(String command) {
    commands.println(command);
  }

  /** The answer to the oldest command not answered yet. */
  JsonNode reply(long timeoutSeconds) {
    try {
      String line = replies.poll(timeoutSeconds, TimeUnit.SECONDS);
      if (line == null) {
        throw new IllegalStateException(
            "client process " + id + (process.isAlive() ? " did not answer in " + timeoutSeconds + " s" : " ended"));
      }
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode ask(String command, long timeoutSeconds) {
    send(command);
    return reply(timeoutSeconds);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      send("exit");
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroy();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
