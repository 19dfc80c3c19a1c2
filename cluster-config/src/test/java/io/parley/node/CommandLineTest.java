package io.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code parley --help} and {@code --version} answer without starting a node; any other argument
 * is refused with the usage on standard error and status 2.
 */
class CommandLineTest {

  @Test
  void noArgumentsRunANode() {
    assertThat(CommandLine.parse(List.of())).isEqualTo(new CommandLine.RunNode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h"})
  void helpPrintsTheUsageOnStandardOutputAndSucceeds(String argument) {
    assertThat(CommandLine.parse(List.of(argument)))
        .isEqualTo(new CommandLine.Print(CommandLine.USAGE, false, 0));
  }

  @Test
  void theUsageSaysWhatParleyDoesAndWhereItsConfigurationIsDocumented() {
    assertThat(CommandLine.USAGE)
        .startsWith("Usage: parley [--help | --version]\n")
        .contains("real-time room server", "PARLEY_HTTP_PORT", "PARLEY_DB_URL", "docs/CONFIGURATION.md")
        .doesNotContain("token");
    assertThat(CommandLine.USAGE.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
  }

  @Test
  void versionPrintsTheVersionMavenBuilt() {
    assertThat(CommandLine.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(CommandLine.parse(List.of("--version")))
        .isEqualTo(new CommandLine.Print("Parley " + CommandLine.version() + "\n", false, 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--hlep", "-v", "start", "--port=9090", ""})
  void anUnknownArgumentIsRefusedWithTheUsageOnStandardError(String argument) {
    assertThat(CommandLine.parse(List.of(argument)))
        .isEqualTo(
            new CommandLine.Print(
                "parley: unknown argument '" + argument + "'\n\n" + CommandLine.USAGE, true, CommandLine.USAGE_ERROR));
  }

  @Test
  void moreThanOneArgumentIsRefusedToo() {
    CommandLine.Request request = CommandLine.parse(List.of("--help", "--version"));
    assertThat(request)
        .isEqualTo(
            new CommandLine.Print(
                "parley: unexpected arguments --help --version\n\n" + CommandLine.USAGE, true, 2));
  }

  /** The real entry point, in a JVM of its own: it answers and exits, no node starts. */
  @Test
  void theMainClassAnswersAndExitsWithoutStartingANode() throws Exception {
    Answer help = run("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).isEqualTo(CommandLine.USAGE);
    assertThat(help.err()).isEmpty();

    Answer version = run("--version");
    assertThat(version.status()).isZero();
    assertThat(version.out()).isEqualTo("Parley " + CommandLine.version() + "\n");

    Answer unknown = run("--hlep");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).startsWith("parley: unknown argument '--hlep'\n\nUsage: parley");
  }

  private record Answer(int status, String out, String err) {}

  private static Answer run(String argument) throws IOException, InterruptedException {
    Path out = Files.createTempFile("parley-out", ".txt");
    Path err = Files.createTempFile("parley-err", ".txt");
    Path data = Files.createTempDirectory("parley-cli");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.parley.node.Main");
    command.add(argument);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    // were a node to start, it would take free ports and an empty folder, and be stopped below
    builder.environment().put("PARLEY_HTTP_PORT", "0");
    builder.environment().put("PARLEY_MANAGEMENT_PORT", "0");
    builder.environment().put("PARLEY_DATA_DIR", data.toString());
    Process process = builder.start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited by itself").isTrue();
      return new Answer(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      try (var files = Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
