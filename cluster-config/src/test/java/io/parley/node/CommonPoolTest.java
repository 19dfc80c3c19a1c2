package io.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommonPoolTest {

  @TempDir Path work;

  @Test
  void thePoolGetsAtLeastTwoThreadsWhateverTheCores() {
    assertThat(CommonPool.parallelismFor(null, 1)).contains("2");
    assertThat(CommonPool.parallelismFor(null, 2)).contains("2");
    assertThat(CommonPool.parallelismFor(null, 16)).contains("15");
  }

  @Test
  void aParallelismGivenToTheJvmIsKept() {
    assertThat(CommonPool.parallelismFor("1", 2)).isEqualTo(Optional.empty());
  }

  @Test
  void aNodeProcessRunsWithTheCommonPoolSet() throws IOException, InterruptedException {
    try (ServerProcess node = ServerProcess.start(work.resolve("data"))) {
      Process jcmd =
          new ProcessBuilder("jcmd", String.valueOf(node.pid()), "VM.system_properties")
              .redirectErrorStream(true)
              .start();
      String properties = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int cores = Runtime.getRuntime().availableProcessors();
      assertThat(properties)
          .contains(CommonPool.PARALLELISM + "=" + Math.max(2, cores - 1));
    }
  }
}
