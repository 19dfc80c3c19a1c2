-- The public room registry (io.parley.registry): the rooms listed by GET /v1/rooms?public=true,
-- written by the projection of the events tagged "public-rooms", in the same transaction as the
-- projection's offset. See docs/OPERATIONS.md#public-room-registry.
CREATE TABLE IF NOT EXISTS parley_public_room (
  room_id VARCHAR(255) NOT NULL PRIMARY KEY,
  title VARCHAR(1024) NOT NULL,
  members INTEGER NOT NULL,
  last_activity TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Pekko Projection JDBC's offset store and management tables, as its dialects create them
-- (pekko.projection.jdbc.offset-store, lower-case names).
CREATE TABLE IF NOT EXISTS pekko_projection_offset_store (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  current_offset VARCHAR(255) NOT NULL,
  manifest VARCHAR(4) NOT NULL,
  mergeable BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  PRIMARY KEY (projection_name, projection_key)
);
CREATE INDEX IF NOT EXISTS projection_name_index ON pekko_projection_offset_store (projection_name);

CREATE TABLE IF NOT EXISTS pekko_projection_management (
  projection_name VARCHAR(255) NOT NULL,
  projection_key VARCHAR(255) NOT NULL,
  paused BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  PRIMARY KEY (projection_name, projection_key)
);
