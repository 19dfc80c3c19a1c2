// The examples' tests: a node per test file, and tokens signed with the test nodes' secret (sdk/test/support/node.mjs), in
// the shape the examples ask for them: tokens(userId, name, {rooms: 'pattern:level,…'}).
import { nodeFixture, token } from '../../sdk/test/support/node.mjs';
import { join } from './parley.mjs';

export function parseRooms(rooms) {
  return Object.fromEntries(
    rooms.split(',').map((item) => {
      const at = item.lastIndexOf(':');
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

export const tokens = async (userId, name, { rooms } = {}) => token(userId, name, rooms ? { rooms: parseRooms(rooms) } : {});

/**
 * One node of the jar for a test file, started before its tests and stopped after them with
 * every client the tests joined: `const room = nodeForTests(); … await room.join(r, 'ann', 'Ann')`.
 * `options` go to startNode (an environment, say).
 */
export function nodeForTests(options) {
  const fixture = nodeFixture(options);
  return {
    get node() {
      return fixture.node;
    },
    async join(room, userId, name) {
      return fixture.track(await join({ httpUrl: fixture.node.httpUrl, tokens, room, userId, name }));
    },
  };
}
