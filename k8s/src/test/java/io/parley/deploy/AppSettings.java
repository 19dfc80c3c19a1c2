package io.parley.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Parley's configuration as the node reads it, from the source tree of every module: the
 * {@code reference.conf} files, the layers under {@code parley/} (the deployment layer of
 * {@code parley.cluster.mode} above the module layers, as io.parley.cluster.ParleyConfig stacks
 * them), and the environment variables they read.
 */
final class AppSettings {

  private static final Pattern HOCON_ENV = Pattern.compile("\\$\\{\\?(PARLEY_[A-Z0-9_]+)}");
  private static final Pattern LOGBACK_ENV = Pattern.compile("\\$\\{(PARLEY_[A-Z0-9_]+)(:-[^}]*)?}");
  private static final Pattern JAVA_ENV = Pattern.compile("getenv\\(\\s*\"(PARLEY_[A-Z0-9_]+)\"");

  /** Read by the JVM or by the image's entry point (Dockerfile), not by Parley's configuration. */
  static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "PARLEY_JAVA_OPTS");

  /**
   * Names the Kubernetes layer (parley/cluster/kubernetes.conf, issue 12, written in
   * cluster-config by another change) reads. Allowed only while that layer does not exist yet;
   * once it does, the names must be read by the configuration like any other.
   */
  static final Set<String> PENDING_KUBERNETES_LAYER_ENV =
      Set.of("PARLEY_MANAGEMENT_HOST", "PARLEY_MANAGEMENT_PORT", "PARLEY_REQUIRED_CONTACT_POINTS");

  final Path root;
  final List<Path> referenceFiles = new ArrayList<>();
  final List<Path> layerFiles = new ArrayList<>();
  final Set<String> envNames = new TreeSet<>();

  private AppSettings(Path root) {
    this.root = root;
  }

  static AppSettings load(Path root) {
    AppSettings s = new AppSettings(root);
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
        if (module.getFileName().toString().equals("benchmarks")) {
          continue; // not part of the node
        }
        Path resources = module.resolve("src/main/resources");
        Path reference = resources.resolve("reference.conf");
        if (Files.isRegularFile(reference)) {
          s.referenceFiles.add(reference);
          s.scan(reference, HOCON_ENV);
        }
        Path layers = resources.resolve("parley");
        if (Files.isDirectory(layers)) {
          try (Stream<Path> files = Files.walk(layers)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
              s.layerFiles.add(f);
              s.scan(f, HOCON_ENV);
            }
          }
        }
        Path logback = resources.resolve("logback.xml");
        if (Files.isRegularFile(logback)) {
          s.scan(logback, LOGBACK_ENV);
        }
        Path java = module.resolve("src/main/java");
        if (Files.isDirectory(java)) {
          try (Stream<Path> files = Files.walk(java)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
              s.scan(f, JAVA_ENV);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (s.referenceFiles.isEmpty()) {
      throw new AssertionError("no reference.conf found under " + root + " (is parley.root right?)");
    }
    return s;
  }

  private void scan(Path file, Pattern pattern) throws IOException {
    Matcher m = pattern.matcher(Files.readString(file));
    while (m.find()) {
      envNames.add(m.group(1));
    }
  }

  /** The deployment layer of a cluster mode, if a module has it. */
  Path modeLayer(String mode) {
    return layerFiles.stream()
        .filter(p -> p.endsWith(Path.of("parley", "cluster", mode + ".conf")))
        .findFirst().orElse(null);
  }

  boolean kubernetesLayerExists() {
    return modeLayer("kubernetes") != null;
  }

  /** Whether a variable the Deployment sets is one Parley (or the JVM) reads. */
  boolean reads(String env) {
    return envNames.contains(env) || JVM_ENV.contains(env)
        || (!kubernetesLayerExists() && PENDING_KUBERNETES_LAYER_ENV.contains(env));
  }

  /**
   * The node's configuration with exactly these environment variables (none of this machine's):
   * the mode layer, the other layers, then every reference.conf. Substitutions the source tree
   * cannot resolve (library defaults) stay unresolved.
   */
  Config effective(Map<String, String> env) {
    Config envConfig = ConfigFactory.parseMap(env, "the Deployment's environment");
    Config reference = ConfigFactory.empty();
    for (Path f : referenceFiles) {
      reference = reference.withFallback(parse(f));
    }
    ConfigResolveOptions options =
        ConfigResolveOptions.defaults().setUseSystemEnvironment(false).setAllowUnresolved(true);
    String mode = reference.withFallback(envConfig).resolve(options).getString("parley.cluster.mode");
    Config layered = ConfigFactory.empty();
    Path modeLayer = modeLayer(mode);
    if (modeLayer != null) {
      layered = parse(modeLayer);
    }
    for (Path f : layerFiles) {
      if (!f.getParent().endsWith(Path.of("parley", "cluster")) || f.endsWith(Path.of("parley", "cluster", "base.conf"))) {
        layered = layered.withFallback(parse(f));
      }
    }
    return layered.withFallback(reference).withFallback(envConfig).resolve(options);
  }

  private static Config parse(Path f) {
    return ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
  }
}
