package io.parley.room;

import io.parley.serialization.CborSerializable;

/**
 * A durable command the room applied: who sent it, under which id, the version it produced and
 * the {@link CommandFingerprint} of what it asked for. The room remembers the latest ones so that
 * a retry of the same command is answered with the original version instead of being applied
 * again, and the same id sent with a different content is refused ({@link RejectCode#ID_REUSED}).
 *
 * @param fingerprint {@link CommandFingerprint} of the command's content, or {@link
 *     #UNKNOWN_CONTENT} for a command remembered in a snapshot written before rooms kept
 *     fingerprints (the field is absent there and reads as 0): a command under such an id gets the
 *     original ack whatever it contains, as it did then
 */
public record AppliedCommand(String userId, String commandId, long version, long fingerprint)
    implements CborSerializable {

  /** The fingerprint of a command remembered before fingerprints existed. */
  public static final long UNKNOWN_CONTENT = 0;

  /**
   * Whether a command with this fingerprint, sent again under this id, is a retry of this one:
   * the same content, or a content this room no longer knows.
   */
  public boolean isRetriedBy(long contentFingerprint) {
    return fingerprint == UNKNOWN_CONTENT || fingerprint == contentFingerprint;
  }
}
