package io.parley.benchmarks.jmh;

import io.parley.gateway.CloseStatus;
import io.parley.gateway.FrameLevelWebSocket;
import io.parley.gateway.InboundMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The inbound path of a WebSocket connection, from the socket's bytes to the message the
 * connection's logic gets: Pekko HTTP's frame parser, unmasking, UTF-8 decoding and frame handling,
 * then {@code FrameLevelWebSocket}'s stage assembling the message. One stream carries {@link
 * #MESSAGES} masked text frames (a cursor, W1's most frequent frame), one frame per socket read;
 * the figure is per message, the stream's materialization spread over them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InboundFramesBenchmark {

  static final int MESSAGES = 20_000;

  private static final String CURSOR =
      "{\"type\":\"cursor\",\"x\":412.5,\"y\":187.25,\"document\":\"doc-1\"}";

  private ActorSystem<Void> system;
  private FrameLevelWebSocket frameLevel;
  private ByteString frame;

  @Setup
  public void start() {
    system = ActorSystem.create(Behaviors.empty(), "inbound-frames");
    frameLevel = new FrameLevelWebSocket(system, 64 * 1024);
    frame = ByteString.fromArray(maskedTextFrame(CURSOR.getBytes(StandardCharsets.UTF_8)));
  }

  @TearDown
  public void stop() {
    system.terminate();
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long messages() throws Exception {
    CompletableFuture<Long> counted = new CompletableFuture<>();
    UniqueKillSwitch socket =
        Source.repeat(frame)
            .take(MESSAGES)
            .via(
                frameLevel.overBytes(
                    Flow.fromSinkAndSource(
                        Sink.<Long, InboundMessage>fold(0L, (n, message) -> n + 1)
                            .mapMaterializedValue(
                                count -> count.whenComplete((n, failure) -> counted.complete(n))),
                        Source.<String>never()),
                    () -> CloseStatus.NORMAL))
            .viaMat(KillSwitches.single(), Keep.right())
            .to(Sink.ignore())
            .run(system);
    long count = counted.get(60, TimeUnit.SECONDS);
    socket.shutdown();
    if (count != MESSAGES) {
      throw new IllegalStateException(count + " messages out of " + MESSAGES);
    }
    return count;
  }

  /** A final text frame, masked as a client sends it (RFC 6455 5.3); payloads under 126 bytes. */
  private static byte[] maskedTextFrame(byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x81);
    out.write(0x80 | payload.length);
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    out.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    return out.toByteArray();
  }
}
