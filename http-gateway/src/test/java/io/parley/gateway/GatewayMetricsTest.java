package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.DecodeResult;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.FrameEncoder;
import io.parley.room.RejectCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway's meters read a frame's type, and a reject's or error's code, from the text the
 * encoder wrote: these pin that they find them in what {@link FrameEncoder} writes.
 */
class GatewayMetricsTest {

  private final FrameEncoder encoder = new FrameEncoder();

  @ParameterizedTest
  @EnumSource(RejectCode.class)
  void theCodeOfEveryReject(RejectCode code) {
    String frame =
        encoder.reject(
            "c1", code, "a message with \"code\":\"quoted\"", Optional.of(Duration.ofMillis(5)));
    assertThat(type(frame)).isEqualTo("reject");
    assertThat(code(frame)).isEqualTo(code.wireName());
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void theCodeOfEveryError(ErrorCode code) {
    String frame = encoder.error(code, Optional.of("field"), "why", Optional.of("c1"));
    assertThat(type(frame)).isEqualTo("error");
    assertThat(code(frame)).isEqualTo(code.wireName());
  }

  @Test
  void theTypeOfOtherFrames() {
    assertThat(type(encoder.ack("c1", 3))).isEqualTo("ack");
    assertThat(type(encoder.pong(Optional.empty()))).isEqualTo("pong");
    assertThat(type(encoder.cursors(List.of()))).isEqualTo("cursors");
    assertThat(type(encoder.tokenExpiring(Instant.EPOCH)))
        .isEqualTo("token_expiring");
    assertThat(type(encoder.reconnect("node_shutting_down", Duration.ZERO)))
        .isEqualTo("reconnect");
  }

  @Test
  void whatIsNotAWordIsOther() {
    assertThat(type("{\"x\":1}")).isEqualTo("other");
    assertThat(type("{\"type\":\"Not-A-Word\"}")).isEqualTo("other");
    assertThat(type("{\"type\":\"\"}")).isEqualTo("other");
    assertThat(type("{\"type\":\"" + "a".repeat(40) + "\"}"))
        .isEqualTo("other");
  }

  private static String type(String frame) {
    return GatewayMetrics.stringField(frame, GatewayMetrics.key("type"));
  }

  private static String code(String frame) {
    return GatewayMetrics.stringField(frame, GatewayMetrics.key("code"));
  }

  @Test
  void clientFramesByTheirWireType() {
    assertThat(GatewayMetrics.typeOf(new DecodeResult.Decoded(new ClientFrame.Ping(Optional.empty()))))
        .isEqualTo("ping");
    assertThat(GatewayMetrics.typeOf(new DecodeResult.Decoded(new ClientFrame.ChangeKeys("c", List.of()))))
        .isEqualTo("change");
    assertThat(GatewayMetrics.typeOf(new DecodeResult.Decoded(new ClientFrame.CloseRoom("c"))))
        .isEqualTo("close_room");
    assertThat(
            GatewayMetrics.typeOf(
                new DecodeResult.Malformed(ErrorCode.BAD_FRAME, Optional.empty(), "no", Optional.empty())))
        .isEqualTo("invalid");
  }
}
