package io.parley.benchmarks.jmh;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.DecodeResult;
import io.parley.protocol.FrameDecoder;
import io.parley.validation.FieldValidator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The gateway reading a client's text frame: {@link FrameDecoder#decode}, JSON parsing and the
 * validation of every field against the default limits, as each frame a connection receives goes
 * through it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameDecodeBenchmark {

  /** Client frames as docs/PROTOCOL.md shows them, each valid. */
  public enum Frame {
    HELLO(ClientFrame.Hello.class, "{\"type\":\"hello\",\"userId\":\"ann\",\"name\":\"Ann\"}"),
    CURSOR(
        ClientFrame.Cursor.class,
        "{\"type\":\"cursor\",\"x\":412.5,\"y\":187.25,\"document\":\"doc-1\"}"),
    SET(
        ClientFrame.ChangeKeys.class,
        "{\"type\":\"set\",\"id\":\"c1742\",\"key\":\"item/42\",\"value\":{\"title\":\"item 42\","
            + "\"x\":63.0,\"y\":210,\"done\":false,\"rev\":1742},\"expect\":1187}"),
    CHAT(
        ClientFrame.Chat.class,
        "{\"type\":\"chat\",\"id\":\"m93\",\"text\":\"see the new layout, third column\"}");

    final Class<? extends ClientFrame> decodesTo;
    final String text;

    Frame(Class<? extends ClientFrame> decodesTo, String text) {
      this.decodesTo = decodesTo;
      this.text = text;
    }
  }

  @Param
  public Frame frame;

  private FrameDecoder decoder;
  private String text;

  @Setup
  public void prepare() {
    decoder = new FrameDecoder(new FieldValidator(ParleyDefaults.roomSettings().limits()));
    text = frame.text;
    // A sample the decoder refuses would measure its error path instead.
    DecodeResult result = decoder.decode(text);
    if (!(result instanceof DecodeResult.Decoded decoded)
        || !frame.decodesTo.isInstance(decoded.frame())) {
      throw new IllegalStateException(frame + " does not decode as expected: " + result);
    }
  }

  @Benchmark
  public DecodeResult decode() {
    return decoder.decode(text);
  }
}
