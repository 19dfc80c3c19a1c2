package io.parley.protocol;

import io.parley.room.RoomUpdate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cursor tick written once for all its receivers on a node: each cursor's object is written
 * once and the {@code cursors} frame is those objects joined. A receiver whose own cursor is in
 * the tick (a session never gets its own) gets the frame with that object cut out, and one that
 * holds cursors back joins the objects it holds: text is joined per receiver, never JSON written.
 * Every frame is, byte for byte, what {@link FrameEncoder#cursors} writes for the same cursors.
 */
public final class EncodedCursorTick {

  private static final String HEAD = "{\"type\":\"cursors\",\"cursors\":[";
  private static final String TAIL = "]}";

  /** One cursor of the tick: its session and its object as the frame holds it. */
  public record Entry(String sessionId, String json) {}

  private final List<Entry> entries;
  private final String frame;
  /** Where each entry's object starts in {@link #frame}; an object is followed by a comma or the tail. */
  private final int[] starts;
  /**
   * Each entry's index by session: a room of hundreds whose sessions all moved must not cost a
   * scan of the tick per receiver.
   */
  private final Map<String, Integer> bySession;

  private EncodedCursorTick(
      List<Entry> entries, String frame, int[] starts, Map<String, Integer> bySession) {
    this.entries = entries;
    this.frame = frame;
    this.starts = starts;
    this.bySession = bySession;
  }

  /** Writes each cursor of the tick once, and the frame of them all. */
  public static EncodedCursorTick of(FrameEncoder encoder, List<RoomUpdate.CursorMoved> cursors) {
    List<Entry> entries = new ArrayList<>(cursors.size());
    int[] starts = new int[cursors.size()];
    Map<String, Integer> bySession = new HashMap<>(cursors.size() * 2);
    StringBuilder frame = new StringBuilder(HEAD);
    for (int i = 0; i < cursors.size(); i++) {
      RoomUpdate.CursorMoved cursor = cursors.get(i);
      Entry entry = new Entry(cursor.sessionId(), encoder.cursorEntry(cursor));
      if (i > 0) {
        frame.append(',');
      }
      starts[i] = frame.length();
      frame.append(entry.json());
      entries.add(entry);
      bySession.put(entry.sessionId(), i);
    }
    return new EncodedCursorTick(
        List.copyOf(entries), frame.append(TAIL).toString(), starts, bySession);
  }

  /** The frame of a receiver's held cursors: their objects in this order. */
  public static String frameOf(Collection<String> entryJson) {
    return HEAD + String.join(",", entryJson) + TAIL;
  }

  /** The frame with every cursor of the tick, shared by each receiver whose own is not in it. */
  public String frame() {
    return frame;
  }

  /**
   * What the session gets: the shared frame when its own cursor is not in the tick, else the
   * frame without it, or nothing when its own cursor is all the tick holds.
   */
  public Optional<String> frameFor(String sessionId) {
    Integer own = bySession.get(sessionId);
    if (own == null) {
      return Optional.of(frame);
    }
    if (entries.size() == 1) {
      return Optional.empty();
    }
    boolean last = own == entries.size() - 1;
    // the object and the comma after it, or for the last one the comma before it
    int cutFrom = last ? starts[own] - 1 : starts[own];
    int cutTo = last ? starts[own] + entries.get(own).json().length() : starts[own + 1];
    return Optional.of(
        new StringBuilder(frame.length() - (cutTo - cutFrom))
            .append(frame, 0, cutFrom)
            .append(frame, cutTo, frame.length())
            .toString());
  }

  /** The cursors of the tick, in its order. */
  public List<Entry> entries() {
    return entries;
  }
}
