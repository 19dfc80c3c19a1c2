package io.parley.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the registry's table, {@code parley_public_room} (migration V3), on a connection the
 * caller owns: the projection's, inside the transaction that also stores its offset, or one that
 * only reads.
 */
final class PublicRoomsTable {

  private PublicRoomsTable() {}

  static void apply(Connection connection, RegistryChange change) throws SQLException {
    if (change instanceof RegistryChange.Listed listed) {
      list(connection, listed);
    } else if (change instanceof RegistryChange.Unlisted) {
      update(connection, "DELETE FROM parley_public_room WHERE room_id = ?", change.roomId());
    } else if (change instanceof RegistryChange.MembersChanged members) {
      try (PreparedStatement statement =
          connection.prepareStatement(
              "UPDATE parley_public_room SET members = GREATEST(members + ?, 0),"
                  + " last_activity = ? WHERE room_id = ?")) {
        statement.setInt(1, members.delta());
        statement.setTimestamp(2, Timestamp.from(members.at()));
        statement.setString(3, members.roomId());
        statement.executeUpdate();
      }
    } else if (change instanceof RegistryChange.Active active) {
      try (PreparedStatement statement =
          connection.prepareStatement(
              "UPDATE parley_public_room SET last_activity = ? WHERE room_id = ?")) {
        statement.setTimestamp(1, Timestamp.from(active.at()));
        statement.setString(2, active.roomId());
        statement.executeUpdate();
      }
    }
  }

  /** Delete and insert rather than an upsert: the same SQL on H2 and PostgreSQL. */
  private static void list(Connection connection, RegistryChange.Listed listed)
      throws SQLException {
    update(connection, "DELETE FROM parley_public_room WHERE room_id = ?", listed.roomId());
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO parley_public_room (room_id, title, members, last_activity)"
                + " VALUES (?, ?, ?, ?)")) {
      statement.setString(1, listed.roomId());
      statement.setString(2, listed.title());
      statement.setInt(3, listed.members());
      statement.setTimestamp(4, Timestamp.from(listed.at()));
      statement.executeUpdate();
    }
  }

  private static void update(Connection connection, String sql, String roomId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, roomId);
      statement.executeUpdate();
    }
  }

  /** Up to {@code limit} rooms with an id after {@code after}, in room id order. */
  static PublicRoomPage page(Connection connection, int limit, Optional<String> after)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT room_id, title, members, last_activity FROM parley_public_room"
                + " WHERE room_id > ? ORDER BY room_id LIMIT ?")) {
      statement.setString(1, after.orElse(""));
      // one more than asked: whether there is a next page
      statement.setInt(2, limit + 1);
      List<PublicRoom> rooms = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          rooms.add(
              new PublicRoom(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getInt(3),
                  rows.getTimestamp(4).toInstant()));
        }
      }
      if (rooms.size() <= limit) {
        return new PublicRoomPage(rooms, Optional.empty());
      }
      List<PublicRoom> page = rooms.subList(0, limit);
      return new PublicRoomPage(page, Optional.of(page.get(limit - 1).roomId()));
    }
  }
}
