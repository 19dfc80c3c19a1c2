package io.parley.benchmarks.idle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** W3 reads the heap in use from {@code jcmd GC.heap_info} whichever collector the node runs. */
class JvmProbeTest {

  @Test
  void g1HasOneHeap() {
    String g1 =
        """
         garbage-first heap   total 2097152K, used 123456K [0x0000000080000000, 0x0000000100000000)
          region size 1024K, 12 young (12288K), 0 survivors (0K)
         Metaspace       used 61234K, committed 61888K, reserved 1105920K
          class space    used 7890K, committed 8192K, reserved 1048576K
        """;
    assertThat(JvmProbe.heapUsedKiB(g1)).isEqualTo(123456);
  }

  @Test
  void theParallelCollectorsGenerationsAreAddedUp() {
    String parallel =
        """
         PSYoungGen      total 611840K, used 31488K [0x00000000d5580000, 0x0000000100000000, 0x0000000100000000)
          eden space 524800K, 6% used [0x00000000d5580000,0x00000000d7440000,0x00000000f5600000)
          from space 87040K, 0% used [0x00000000f5600000,0x00000000f5600000,0x00000000fab00000)
          to   space 87040K, 0% used [0x00000000fab00000,0x00000000fab00000,0x0000000100000000)
         ParOldGen       total 1398272K, used 12345K [0x0000000080000000, 0x00000000d5580000, 0x00000000d5580000)
          object space 1398272K, 0% used [0x0000000080000000,0x0000000080c0e490,0x00000000d5580000)
         Metaspace       used 61234K, committed 61888K, reserved 1105920K
          class space    used 7890K, committed 8192K, reserved 1048576K
        """;
    assertThat(JvmProbe.heapUsedKiB(parallel)).isEqualTo(31488 + 12345);
  }

  @Test
  void outputWithoutAHeapIsAnError() {
    assertThatThrownBy(() -> JvmProbe.heapUsedKiB("Metaspace       used 61234K, committed 61888K"))
        .isInstanceOf(IllegalStateException.class);
  }
}
