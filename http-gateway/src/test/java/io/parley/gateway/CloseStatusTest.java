package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ErrorCode;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CloseStatusTest {

  /** The errors after which a connection closes, as docs/PROTOCOL.md lists them. */
  private static final Set<ErrorCode> CLOSING =
      EnumSet.of(
          ErrorCode.SLOW_CONSUMER,
          ErrorCode.POLICY_VIOLATION,
          ErrorCode.IDLE_TIMEOUT,
          ErrorCode.KICKED,
          ErrorCode.ROOM_CLOSED,
          ErrorCode.TOKEN_EXPIRED,
          ErrorCode.JOIN_REFUSED,
          ErrorCode.PROTOCOL_ORDER,
          ErrorCode.CATCH_UP_FAILED,
          ErrorCode.IDENTITY_MISMATCH,
          ErrorCode.FORBIDDEN);

  @Test
  void eachClosingErrorHasItsOwnParleyCodeAndItsWireNameAsReason() {
    Set<Integer> codes = new HashSet<>(Set.of(CloseStatus.NODE_SHUTTING_DOWN.code()));
    for (ErrorCode code : CLOSING) {
      CloseStatus status = CloseStatus.forError(code);
      assertThat(status.code()).isBetween(4000, 4999);
      assertThat(codes.add(status.code())).as("%s has its own code", code).isTrue();
      assertThat(status.reason()).isEqualTo(code.wireName());
    }
  }

  @Test
  void theDocumentedCodes() {
    assertThat(CloseStatus.forError(ErrorCode.SLOW_CONSUMER).code()).isEqualTo(4000);
    assertThat(CloseStatus.forError(ErrorCode.POLICY_VIOLATION).code()).isEqualTo(4001);
    assertThat(CloseStatus.forError(ErrorCode.IDLE_TIMEOUT).code()).isEqualTo(4002);
    assertThat(CloseStatus.NODE_SHUTTING_DOWN).isEqualTo(new CloseStatus(4003, "node_shutting_down"));
    assertThat(CloseStatus.NORMAL.code()).isEqualTo(1000);
  }
}
