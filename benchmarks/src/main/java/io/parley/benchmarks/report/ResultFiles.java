package io.parley.benchmarks.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The result JSON files of one folder, read once each. A file that is not JSON (being written,
 * or broken) is skipped with a message, never fatal: one bad file should not cost the others'
 * charts.
 */
final class ResultFiles {

  /** One result file: its name without ".json" and its content. */
  record Result(String name, JsonNode json) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final PrintStream messages;
  // empty: could not be read, said so once
  private final Map<Path, Optional<Result>> read = new LinkedHashMap<>();

  ResultFiles(Path dir, PrintStream messages) {
    this.dir = dir;
    this.messages = messages;
  }

  /** The readable files whose names match a glob ({@code scale-conn-*.json}), by name. */
  List<Result> matching(String glob) throws IOException {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    List<Path> paths;
    try (Stream<Path> files = Files.list(dir)) {
      paths = files
          .filter(p -> Files.isRegularFile(p) && matcher.matches(p.getFileName()))
          .sorted()
          .toList();
    }
    List<Result> results = new ArrayList<>();
    for (Path p : paths) {
      read.computeIfAbsent(p, this::readOrSay).ifPresent(results::add);
    }
    return results;
  }

  void skip(Result r, String why) {
    messages.println("skipping " + r.name() + ".json: " + why);
  }

  void note(String message) {
    messages.println(message);
  }

  private Optional<Result> readOrSay(Path p) {
    String name = p.getFileName().toString().replaceFirst("\\.json$", "");
    try {
      JsonNode json = JSON.readTree(p.toFile());
      if (json == null || !json.isContainerNode()) {
        messages.println("skipping " + p.getFileName() + ": not a JSON object or array");
        return Optional.empty();
      }
      return Optional.of(new Result(name, json));
    } catch (IOException e) {
      // Jackson's message repeats the source and location; its first clause says enough
      String why = e instanceof JsonProcessingException j
          ? j.getOriginalMessage().replaceAll("\\s*\\(start marker.*", "")
          : e.toString();
      messages.println("skipping " + p.getFileName() + ": cannot read it as JSON (" + why + ")");
      return Optional.empty();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Tolerant field access: a missing or non-numeric field is NaN, which charts leave out.

  /** The number at a dotted path ({@code "cursors.latencyMs.p99"}), or NaN. */
  static double number(JsonNode node, String dottedPath) {
    JsonNode n = node;
    for (String part : dottedPath.split("\\.")) {
      n = n.path(part);
    }
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }

  static String text(JsonNode node, String dottedPath, String orElse) {
    JsonNode n = node;
    for (String part : dottedPath.split("\\.")) {
      n = n.path(part);
    }
    return n.isValueNode() && !n.isNull() ? n.asText() : orElse;
  }
}
