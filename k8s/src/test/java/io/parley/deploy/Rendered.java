package io.parley.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Kustomize output: {@code kubectl kustomize <dir>}, parsed into one JSON tree per object. */
final class Rendered {

  static final ObjectMapper YAML = new YAMLMapper();
  private static final Map<String, List<ObjectNode>> CACHE = new ConcurrentHashMap<>();
  private static volatile Boolean kubectl;

  private Rendered() {}

  /** The repository's root (surefire passes it; the module folder's parent otherwise). */
  static Path root() {
    return Path.of(System.getProperty("parley.root", "..")).toAbsolutePath().normalize();
  }

  static boolean kubectlAvailable() {
    if (kubectl == null) {
      try {
        Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        kubectl = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException | InterruptedException e) {
        kubectl = false;
      }
      if (!kubectl) {
        System.out.println("[k8s] SKIPPED: kubectl is not on the PATH; the manifests were NOT rendered or checked."
            + " Install kubectl (it includes kustomize) to run these tests.");
      }
    }
    return kubectl;
  }

  /** The objects {@code kubectl kustomize k8s/<dir>} renders; a copy the caller may change. */
  static List<ObjectNode> of(String dir) {
    List<ObjectNode> docs = CACHE.computeIfAbsent(dir, Rendered::render);
    List<ObjectNode> copy = new ArrayList<>();
    docs.forEach(d -> copy.add(d.deepCopy()));
    return copy;
  }

  private static List<ObjectNode> render(String dir) {
    Path folder = root().resolve("k8s").resolve(dir);
    try {
      Path out = Files.createTempFile("kustomize", ".yaml");
      try {
        Process p = new ProcessBuilder("kubectl", "kustomize", folder.toString())
            .redirectOutput(out.toFile()).redirectErrorStream(false).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new AssertionError("kubectl kustomize " + folder + " failed: " + err);
        }
        return parse(Files.readString(out));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new AssertionError("kubectl kustomize " + folder + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static List<ObjectNode> parse(String yaml) throws IOException {
    List<ObjectNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (!doc.isObject()) {
          throw new AssertionError("a rendered document is not a mapping: " + doc);
        }
        docs.add((ObjectNode) doc);
      }
    }
    return docs;
  }
}
