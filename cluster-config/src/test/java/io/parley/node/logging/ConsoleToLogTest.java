package io.parley.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Scala's console in the threads a node starts is the log, not the standard output. */
class ConsoleToLogTest {

  @Test
  void threadsStartedDuringTheStartPrintToTheLogAndTheCallerGetsItsConsoleBack() throws Exception {
    PrintStream before = scala.Console.out();
    AtomicReference<Thread> started = new AtomicReference<>();
    CompletableFuture<PrintStream> seenByTheThread = new CompletableFuture<>();

    String result =
        ConsoleToLog.during(
            () -> {
              Thread thread = new Thread(() -> seenByTheThread.complete(scala.Console.out()));
              started.set(thread);
              return "started";
            });
    started.get().start();

    assertThat(result).isEqualTo("started");
    assertThat(seenByTheThread.get()).isNotSameAs(System.out).isNotSameAs(before);
    assertThat(scala.Console.out()).isSameAs(before);
  }
}
