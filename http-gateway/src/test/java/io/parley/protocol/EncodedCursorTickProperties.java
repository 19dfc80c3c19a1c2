package io.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.room.RoomUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Joining the cursors of a tick that were written once gives, byte for byte, the frame {@link
 * FrameEncoder#cursors} writes for the same cursors: whichever of them is the receiver's own, and
 * whatever a receiver holds back.
 */
class EncodedCursorTickProperties {

  private final FrameEncoder encoder = new FrameEncoder();

  @Property(tries = 1000)
  void aReceiverGetsTheFrameTheEncoderWritesForEveryCursorButItsOwn(
      @ForAll("ticks") List<RoomUpdate.CursorMoved> cursors,
      @ForAll("ownPositions") int ownPosition) {
    int own = ownPosition < 0 ? -1 : Math.min(ownPosition, cursors.size() - 1);
    String receiver = own < 0 ? "s-receiver" : cursors.get(own).sessionId();
    List<RoomUpdate.CursorMoved> others =
        cursors.stream().filter(c -> !c.sessionId().equals(receiver)).toList();

    EncodedCursorTick tick = EncodedCursorTick.of(encoder, cursors);

    assertThat(tick.frame()).isEqualTo(encoder.cursors(cursors));
    assertThat(tick.frameFor(receiver))
        .isEqualTo(others.isEmpty() ? Optional.empty() : Optional.of(encoder.cursors(others)));
    Statistics.label("own").collect(position(own, cursors.size()));
    Statistics.label("document")
        .collect(cursors.stream().anyMatch(c -> c.documentId().isPresent()));
    Statistics.label("own")
        .coverage(
            coverage -> {
              for (String position : List.of("first", "middle", "last", "alone", "absent")) {
                coverage.check(position).count(n -> n >= 20);
              }
            });
    Statistics.label("document").coverage(coverage -> coverage.check(false).count(n -> n >= 20));
  }

  /**
   * What a receiver holding cursors back sends, the newest of each other session over several
   * ticks in the order it first held them, is the encoder's frame of those cursors.
   */
  @Property(tries = 500)
  void heldCursorsJoinedAreTheEncodersFrameOfThem(
      @ForAll("ticksOfFewSessions") List<List<RoomUpdate.CursorMoved>> ticks) {
    String receiver = "s-1";
    Map<String, String> held = new LinkedHashMap<>();
    Map<String, RoomUpdate.CursorMoved> expected = new LinkedHashMap<>();
    for (List<RoomUpdate.CursorMoved> cursors : ticks) {
      for (EncodedCursorTick.Entry entry : EncodedCursorTick.of(encoder, cursors).entries()) {
        if (!entry.sessionId().equals(receiver)) {
          held.put(entry.sessionId(), entry.json());
        }
      }
      cursors.stream()
          .filter(c -> !c.sessionId().equals(receiver))
          .forEach(c -> expected.put(c.sessionId(), c));
    }

    assertThat(EncodedCursorTick.frameOf(held.values()))
        .isEqualTo(encoder.cursors(expected.values()));
  }

  private static String position(int own, int size) {
    if (own < 0) {
      return "absent";
    }
    if (size == 1) {
      return "alone";
    }
    return own == 0 ? "first" : own == size - 1 ? "last" : "middle";
  }

  /** -1: the receiver's cursor is not in the tick; else its index (capped at the last). */
  @Provide
  Arbitrary<Integer> ownPositions() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(-1)),
        Tuple.of(1, Arbitraries.just(0)),
        Tuple.of(2, Arbitraries.integers().between(1, 12)),
        Tuple.of(1, Arbitraries.just(Integer.MAX_VALUE)));
  }

  /** A tick: 1 to 12 cursors of distinct sessions, as the room's relay sends them. */
  @Provide
  Arbitrary<List<RoomUpdate.CursorMoved>> ticks() {
    return cursors(Arbitraries.strings().alpha().numeric().withChars("-_").ofMinLength(1).ofMaxLength(36))
        .list()
        .ofMinSize(1)
        .ofMaxSize(12)
        .uniqueElements(RoomUpdate.CursorMoved::sessionId);
  }

  /** Several ticks of sessions s-1 to s-4 (s-1 the receiver's), so later ticks replace cursors. */
  @Provide
  Arbitrary<List<List<RoomUpdate.CursorMoved>>> ticksOfFewSessions() {
    return cursors(Arbitraries.integers().between(1, 4).map(i -> "s-" + i))
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .uniqueElements(RoomUpdate.CursorMoved::sessionId)
        .list()
        .ofMinSize(1)
        .ofMaxSize(5);
  }

  private static Arbitrary<RoomUpdate.CursorMoved> cursors(Arbitrary<String> sessionIds) {
    return Combinators.combine(
            userIds(), sessionIds, coordinates(), coordinates(), documentIds())
        .as(RoomUpdate.CursorMoved::new);
  }

  /** Any text, so that escaping (quotes, backslashes, control and non-ASCII characters) is covered. */
  private static Arbitrary<String> userIds() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings().all().ofMaxLength(20),
        Arbitraries.of("\"", "\\", "</script>", "\u0000\u001f", "é✓😀"));
  }

  /** Doubles of every form Jackson writes: integral, fractional, exponent, negative zero. */
  private static Arbitrary<Double> coordinates() {
    return Arbitraries.oneOf(
        Arbitraries.doubles(),
        Arbitraries.doubles().between(-10_000, 10_000).ofScale(3),
        Arbitraries.integers().between(-5000, 5000).map(Integer::doubleValue),
        Arbitraries.of(0.0, -0.0, 1e-7, 1e300, -1e-300, Double.MIN_VALUE, Double.MAX_VALUE));
  }

  private static Arbitrary<Optional<String>> documentIds() {
    return Arbitraries.strings().ofMaxLength(16).optional(0.5);
  }
}
