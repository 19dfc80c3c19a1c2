package io.parley.room;

/**
 * What a connection actor can receive from a room. Non-sealed on purpose: the gateway's
 * connection actor adds its own internal messages, and the room holds the connection's reference
 * narrowed to this type.
 */
public interface SessionInbox {}
