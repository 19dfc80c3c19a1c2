package io.parley.protocol;

import java.util.Optional;

/** The outcome of reading one text frame. */
public sealed interface DecodeResult {

  record Decoded(ClientFrame frame) implements DecodeResult {}

  /**
   * @param id the frame's command id when it could be read, so the client can match the error
   * @param field the offending field, when one is to blame
   */
  record Malformed(ErrorCode code, Optional<String> field, String message, Optional<String> id)
      implements DecodeResult {}
}
