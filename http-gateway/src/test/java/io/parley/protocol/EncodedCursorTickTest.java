package io.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.room.RoomUpdate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EncodedCursorTickTest {

  private final FrameEncoder encoder = new FrameEncoder();
  private final RoomUpdate.CursorMoved amy =
      new RoomUpdate.CursorMoved("amy", "s-1", 12.5, -0.25, Optional.of("doc-1"));
  private final RoomUpdate.CursorMoved bob =
      new RoomUpdate.CursorMoved("bob", "s-2", 1, 2, Optional.empty());
  private final RoomUpdate.CursorMoved cat =
      new RoomUpdate.CursorMoved("cat", "s-3", 0, 1e300, Optional.empty());
  private final EncodedCursorTick tick = EncodedCursorTick.of(encoder, List.of(amy, bob, cat));

  @Test
  void eachReceiverGetsTheOthersCursorsInTheTicksOrder() {
    String amys = "{\"userId\":\"amy\",\"sessionId\":\"s-1\",\"x\":12.5,\"y\":-0.25,\"document\":\"doc-1\"}";
    String bobs = "{\"userId\":\"bob\",\"sessionId\":\"s-2\",\"x\":1.0,\"y\":2.0}";
    String cats = "{\"userId\":\"cat\",\"sessionId\":\"s-3\",\"x\":0.0,\"y\":1.0E300}";
    String head = "{\"type\":\"cursors\",\"cursors\":[";

    assertThat(tick.frame()).isEqualTo(head + amys + "," + bobs + "," + cats + "]}");
    assertThat(tick.frameFor("s-1")).contains(head + bobs + "," + cats + "]}");
    assertThat(tick.frameFor("s-2")).contains(head + amys + "," + cats + "]}");
    assertThat(tick.frameFor("s-3")).contains(head + amys + "," + bobs + "]}");
  }

  @Test
  void aReceiverWhoseCursorIsNotInTheTickSharesItsFrame() {
    assertThat(tick.frameFor("s-9").orElseThrow()).isSameAs(tick.frame());
  }

  @Test
  void aReceiverWhoseOwnCursorIsAllTheTickHoldsGetsNothing() {
    assertThat(EncodedCursorTick.of(encoder, List.of(bob)).frameFor("s-2")).isEmpty();
  }

  @Test
  void heldCursorsAreJoinedInTheOrderGiven() {
    List<String> held = List.of(tick.entries().get(2).json(), tick.entries().get(0).json());
    assertThat(EncodedCursorTick.frameOf(held)).isEqualTo(encoder.cursors(List.of(cat, amy)));
  }
}
