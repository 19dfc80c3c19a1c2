package io.parley.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnroutableRoomIdTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/v1/rooms//ws|''",
        "/v1/rooms/|''",
        "/v1/rooms//|''",
        "/v1/rooms//presence?x=1|''",
        "/v1/rooms/../ws|..",
        "/v1/rooms/..|..",
        "/v1/rooms/../events|..",
        "/v1/rooms/%2e%2E/presence|..",
        "/v1/rooms/./ws|.",
        "/v1/rooms/%2E|.",
        "/v1/rooms/.?a=b|.",
        "http://example.com:8080/v1/rooms/../ws|..",
        "http://example.com/v1/rooms//events|''"
      })
  void emptyAndDotSegmentRoomIdsAreFound(String target, String roomId) {
    assertEquals(Optional.of(roomId), UnroutableRoomId.in(target));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v1/rooms/planning/ws",
        "/v1/rooms/a.b/ws",
        "/v1/rooms/.../ws",
        "/v1/rooms/..a/ws",
        "/v1/rooms/a/../b/ws",
        "/v1/rooms",
        "/v1/ws",
        "/v1/rooms?x=/v1/rooms/../ws",
        "/ready",
        "*",
        "example.com:443"
      })
  void anyOtherTargetIsLeftToRouting(String target) {
    assertEquals(Optional.empty(), UnroutableRoomId.in(target));
  }
}
