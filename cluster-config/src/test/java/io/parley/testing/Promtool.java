package io.parley.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker, {@code promtool}, run on what the node exposes and on the alert
 * rules in {@code docs/}. {@code bin/test} installs it ({@code bin/ensure-promtool}); a machine
 * without it fails these checks and says how to get it.
 */
public final class Promtool {

  /** What promtool said: its exit status and its output. */
  public record Result(int exitStatus, String output) {}

  private Promtool() {}

  /** {@code promtool check metrics}, the exposition on its standard input. */
  public static Result checkMetrics(String exposition) {
    return run(List.of("check", "metrics"), exposition);
  }

  /** {@code promtool check rules <file>}. */
  public static Result checkRules(Path rules) {
    return run(List.of("check", "rules", rules.toString()), "");
  }

  private static Result run(List<String> arguments, String input) {
    List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(arguments);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is not installed: run bin/ensure-promtool (bin/test does), or apt-get install"
              + " prometheus",
          e);
    }
    try (OutputStream in = process.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("promtool did not finish within 60 s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
