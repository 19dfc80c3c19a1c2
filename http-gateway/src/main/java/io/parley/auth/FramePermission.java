package io.parley.auth;

import io.parley.protocol.ClientFrame;

/**
 * The permission each frame needs. Reading and being a member ({@code hello}, {@code ping},
 * {@code leave}, a {@code refresh}) and the member's own presence ({@code ready}, {@code focus})
 * need {@code read}; changing state, chatting, making the room public or private and cursors
 * need {@code write}; kicking a member
 * and closing the room need {@code admin}.
 */
public final class FramePermission {

  private FramePermission() {}

  public static Permission required(ClientFrame frame) {
    if (frame instanceof ClientFrame.Kick || frame instanceof ClientFrame.CloseRoom) {
      return Permission.ADMIN;
    }
    boolean writes =
        frame instanceof ClientFrame.ChangeKeys
            || frame instanceof ClientFrame.Chat
            || frame instanceof ClientFrame.Visibility
            || frame instanceof ClientFrame.Cursor;
    return writes ? Permission.WRITE : Permission.READ;
  }
}
