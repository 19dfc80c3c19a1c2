package io.parley.benchmarks.idle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WsFramesTest {

  @Test
  void aMaskedClientFrameReadsBackAsItsText() {
    String text = "{\"type\":\"hello\",\"userId\":\"u1\",\"name\":\"" + "x".repeat(300) + "\"}";
    ByteBuffer frame = WsFrames.text(text);
    assertThat(frame.get(1) & 0x80).as("mask bit").isNotZero();
    assertThat(frame.get(1) & 0x7F).as("16-bit length follows").isEqualTo(126);

    WsFrames.Frame read = WsFrames.next(frame);

    assertThat(read.fin()).isTrue();
    assertThat(read.opcode()).isEqualTo(WsFrames.TEXT);
    assertThat(read.text()).isEqualTo(text);
    assertThat(frame.hasRemaining()).isFalse();
  }

  @Test
  void aPartialServerFrameIsLeftUntouched() {
    byte[] payload = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);
    ByteBuffer whole = ByteBuffer.allocate(2 + payload.length);
    whole.put((byte) 0x81).put((byte) payload.length).put(payload).flip();
    ByteBuffer part = ByteBuffer.wrap(whole.array(), 0, 5);

    assertThat(WsFrames.next(part)).isNull();
    assertThat(part.position()).isZero();
    assertThat(WsFrames.next(whole).text()).isEqualTo("{\"type\":\"pong\"}");
  }

  @Test
  void aCloseFrameCarriesItsCode() {
    WsFrames.Frame close = WsFrames.next(WsFrames.close(1001));
    assertThat(close.opcode()).isEqualTo(WsFrames.CLOSE);
    assertThat(close.closeCode()).isEqualTo(1001);
  }

  @Test
  void theUpgradeIsCheckedAgainstTheKeyAsInRfc6455() {
    // the example of RFC 6455 section 1.3
    Handshake handshake = new Handshake("127.0.0.1:8080", "/v1/rooms/r/ws", "dGhlIHNhbXBsZSBub25jZQ==");
    String accepted =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    assertThat(handshake.refusal(accepted)).isNull();
    assertThat(handshake.refusal("HTTP/1.1 429 Too Many Requests\r\n\r\n")).isEqualTo("http 429");
    assertThat(handshake.refusal(accepted.replace("s3pP", "AAAA"))).isEqualTo("wrong Sec-WebSocket-Accept");
    assertThat(Handshake.endOfHead(ByteBuffer.wrap(accepted.getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo(accepted.length());
  }
}
