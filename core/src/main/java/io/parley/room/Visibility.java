package io.parley.room;

import java.util.Optional;

/**
 * Whether a room is listed in the public room registry ({@code GET /v1/rooms?public=true}), and
 * under which title: a durable room setting, changed by a member with write permission. A
 * private room is never listed and has no title.
 */
public record Visibility(boolean listed, Optional<String> title) {

  /** Every room starts private, without a title. */
  public static final Visibility PRIVATE = new Visibility(false, Optional.empty());

  public Visibility {
    title = title == null ? Optional.empty() : title;
  }
}
