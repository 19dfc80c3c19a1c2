// Public rooms against a real node: setVisibility(), the room.visibility event, and the
// registry (publicRooms()), which is eventually consistent: every wait on it is a bounded poll.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyClient, ParleyError, publicRooms } from '../parley.js';
import { nodeFixture, tokenProvider, token, waitFor } from './support/node.mjs';

const fixture = nodeFixture();

async function joined(room, userId, name) {
  const client = new ParleyClient({
    url: fixture.node.url,
    room,
    user: { id: userId, name },
    token: tokenProvider(userId, name),
    reconnect: { baseMs: 100, capMs: 1000 },
  });
  fixture.track(client);
  return client.connect().whenJoined();
}

/** Every public room, page after page (`limit` per page). */
async function allPublicRooms(options = {}) {
  const rooms = [];
  let after = null;
  do {
    const page = await publicRooms({ url: fixture.node.httpUrl, token: token('lister', 'Lister', { rooms: { '*': 'read' } }), after, ...options });
    rooms.push(...page.rooms);
    after = page.next;
  } while (after !== null);
  return rooms;
}

const listed = async (roomId) => (await allPublicRooms()).find((room) => room.roomId === roomId);

// the registry's lag is typically 1–2 s; on a busy 2-core machine give it room
const REGISTRY_WAIT = { timeoutMs: 20000, intervalMs: 200 };

test('made public: the other member sees the visibility, the list shows the room with its members; made private: it leaves the list', async () => {
  const ann = await joined('pub-design', 'ann', 'Ann');
  const bob = await joined('pub-design', 'bob', 'Bob');
  assert.deepEqual(ann.visibility, { public: false, title: null });
  assert.deepEqual(bob.getSnapshot().visibility, { public: false, title: null });

  const seen = [];
  bob.on('visibility', (change) => seen.push(change));
  const ack = await ann.setVisibility({ public: true, title: 'Design review' });
  // the event reaches the sender before its ack
  assert.deepEqual(ann.visibility, { public: true, title: 'Design review' });
  await waitFor(() => seen.length === 1, { message: 'Bob to see the room made public' });
  assert.deepEqual(seen[0], { public: true, title: 'Design review', version: ack.version, userId: 'ann' });
  assert.deepEqual(bob.visibility, { public: true, title: 'Design review' });
  assert.equal(bob.getSnapshot().visibility, bob.visibility);

  const entry = await waitFor(() => listed('pub-design'), { ...REGISTRY_WAIT, message: 'the room in the public list' });
  assert.equal(entry.title, 'Design review');
  assert.equal(entry.members, 2);
  assert.ok(!Number.isNaN(Date.parse(entry.lastActivity)), entry.lastActivity);
  // the client's own listing: its server, its token
  assert.ok((await ann.publicRooms()).rooms.some((room) => room.roomId === 'pub-design'));

  // a newcomer's snapshot says so too
  const cid = await joined('pub-design', 'cid', 'Cid');
  assert.deepEqual(cid.visibility, { public: true, title: 'Design review' });

  await bob.setVisibility({ public: false });
  await waitFor(() => !ann.visibility.public, { message: 'Ann to see the room made private' });
  assert.deepEqual(ann.visibility, { public: false, title: null });
  await waitFor(async () => !(await listed('pub-design')), { ...REGISTRY_WAIT, message: 'the room to leave the public list' });
});

test('a private room is never listed; the list pages with next, sorted by room id', async () => {
  await joined('pub-private', 'ann', 'Ann'); // a room with members, never made public
  const rooms = ['pub-page-a', 'pub-page-b', 'pub-page-c'];
  for (const room of rooms) await (await joined(room, 'ann', 'Ann')).setVisibility({ public: true, title: `Room ${room}` });
  await waitFor(
    async () => {
      const ids = new Set((await allPublicRooms()).map((room) => room.roomId));
      return rooms.every((room) => ids.has(room));
    },
    { ...REGISTRY_WAIT, message: 'the three public rooms in the list' },
  );
  const paged = await allPublicRooms({ limit: 1 });
  const ids = paged.map((room) => room.roomId);
  assert.deepEqual(ids, [...ids].sort(), 'sorted by room id');
  assert.equal(new Set(ids).size, ids.length, 'no room on two pages');
  for (const room of rooms) assert.ok(ids.includes(room), `${room} listed`);
  assert.equal(ids.includes('pub-private'), false, 'the private room is not listed');

  const first = await publicRooms({ url: fixture.node.httpUrl, token: token('lister', 'Lister'), limit: 1 });
  assert.equal(first.rooms.length, 1);
  assert.equal(first.next, first.rooms[0].roomId);
});

test('a bad title is refused with the server’s message and field; nothing changes', async () => {
  const ann = await joined('pub-bad', 'ann', 'Ann');
  const refused = (visibility, message) =>
    assert.rejects(ann.setVisibility(visibility), (error) => {
      assert.ok(error instanceof ParleyError);
      assert.equal(error.code, 'invalid_field');
      assert.equal(error.field, 'title');
      assert.match(error.message, message);
      return true;
    });
  await refused({ public: true }, /is required to make the room public/);
  await refused({ public: true, title: 'x'.repeat(101) }, /longer than 100 characters/);
  await refused({ public: true, title: 'bell\u0007' }, /control/);
  await refused({ public: false, title: 'Orphan' }, /only a public room has a title/);
  await assert.rejects(ann.setVisibility({ public: 'yes' }), (error) => error.code === 'invalid_argument');
  assert.deepEqual(ann.visibility, { public: false, title: null });
});

test('a read-only member may not change the visibility', async () => {
  const reader = new ParleyClient({
    url: fixture.node.url,
    room: 'pub-read',
    user: { id: 'rita', name: 'Rita' },
    token: async () => token('rita', 'Rita', { rooms: { 'pub-read': 'read' } }),
  });
  fixture.track(reader);
  await reader.connect().whenJoined();
  await assert.rejects(reader.setVisibility({ public: true, title: 'Mine' }), (error) => error.code === 'forbidden');
  assert.equal(reader.visibility.public, false);
});

test('the listing’s own errors: a bad limit names the field, no token is unauthenticated (status 401)', async () => {
  await assert.rejects(publicRooms({ url: fixture.node.httpUrl, token: token('lister', 'Lister'), limit: 0 }), (error) => {
    assert.equal(error.code, 'invalid_field');
    assert.equal(error.field, 'limit');
    assert.equal(error.status, 400);
    return true;
  });
  await assert.rejects(publicRooms({ url: fixture.node.httpUrl }), (error) => error.code === 'unauthenticated' && error.status === 401);
  // a ws:// URL (the client's) works as well as http://
  assert.ok(Array.isArray((await publicRooms({ url: fixture.node.url, token: async () => token('lister', 'Lister') })).rooms));
});
