// The examples' tests: tokens signed with the test nodes' secret (sdk/test/support/node.mjs), in
// the shape the examples ask for them: tokens(userId, name, {rooms: 'pattern:level,…'}).
import { token } from '../../sdk/test/support/node.mjs';

export function parseRooms(rooms) {
  return Object.fromEntries(
    rooms.split(',').map((item) => {
      const at = item.lastIndexOf(':');
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

export const tokens = async (userId, name, { rooms } = {}) => token(userId, name, rooms ? { rooms: parseRooms(rooms) } : {});
