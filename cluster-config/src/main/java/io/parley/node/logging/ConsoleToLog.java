package io.parley.node.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Scala libraries print to the console, as log lines. Pekko Projection JDBC 1.0.0 prints
 * {@code # stop <projection>} with Scala's {@code println} when a projection stops: on the
 * standard output, that line would break the node's JSON log stream. Scala's {@code Console.out}
 * is an inheritable thread-local, so the threads a node starts inside {@link #during} (the actor
 * system's, and the ones they start) print here instead: each line becomes a DEBUG line of the
 * logger {@code scala.Console}. Java's {@code System.out} is untouched.
 */
public final class ConsoleToLog {

  private static final Logger log = LoggerFactory.getLogger("scala.Console");

  private ConsoleToLog() {}

  /** Runs {@code start}; the threads it starts print Scala console output to the log. */
  public static <T> T during(Supplier<T> start) {
    PrintStream lines = new PrintStream(new LineLogger(), true, StandardCharsets.UTF_8);
    return scala.Console.withOut(lines, start::get);
  }

  /** Logs each line written to it. */
  private static final class LineLogger extends OutputStream {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        flushLine();
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        write(bytes[i]);
      }
    }

    private void flushLine() {
      String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
      line.reset();
      if (!text.isEmpty()) {
        log.debug("{}", text);
      }
    }
  }
}
