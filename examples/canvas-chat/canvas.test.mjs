// The canvas-with-chat example against a real node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../shared/parley.mjs';
import { nodeForTests, tokens } from '../shared/test-tokens.mjs';
import { Canvas, allPublicRooms, scenario } from './canvas.mjs';

const fixture = nodeForTests();

async function canvas(room, userId, name) {
  const client = await fixture.join(room, userId, name);
  return new Canvas(client);
}

const inStep = (...canvases) =>
  until(() => canvases.every((c) => c.client.version === canvases[0].client.version && c.client.pendingCommands === 0), { what: 'in step' });

test('the documented scenario: the public rooms, shapes, a move, a delete racing a move (exactly one wins), chat; the room made public is listed', async () => {
  const lines = [];
  const { rooms, listed, ann, bob, removed, moved, house } = await scenario({ httpUrl: fixture.node.httpUrl, tokens, log: (line) => lines.push(line), room: 'canvas-scenario' });
  assert.equal(rooms.some((room) => room.roomId === 'canvas-scenario'), false, 'not public before Ann makes it so');
  assert.match(lines[0], /^public rooms: /);
  assert.equal(listed.title, 'Ann and Bob draw');
  assert.equal(listed.members, 2);
  assert.equal(lines.at(-1), '  public now: "Ann and Bob draw" (canvas-scenario, 2 here)');
  assert.deepEqual([removed.status, moved.status].sort(), ['fulfilled', 'rejected'], 'one of the two conflicting changes wins');
  assert.deepEqual(ann.shapes(), bob.shapes());
  assert.equal(ann.shapes().some((s) => s.id === house), moved.status === 'fulfilled');
  assert.equal(ann.shapes().find((s) => s.kind === 'circle').x, 420);
  assert.deepEqual(bob.chat(), ann.chat());
  assert.equal(ann.chat()[0], 'Bob: nice house! moving the sun');
});

test('a move of a shape someone deleted since the drag began is refused and rolled back: the shape stays deleted for everyone', async () => {
  const ann = await canvas('canvas-resurrect', 'ann', 'Ann');
  const bob = await canvas('canvas-resurrect', 'bob', 'Bob');
  const id = await ann.add({ x: 10, y: 10 });
  await inStep(ann, bob);
  const grab = bob.grab(id); // Bob starts dragging
  await ann.remove(id); // Ann deletes it meanwhile
  await inStep(ann, bob);
  const states = [];
  bob.client.on('state', (change) => states.push([change.source, change.deleted]));
  await assert.rejects(bob.move(id, 200, 200, grab), (error) => error.code === 'conflict');
  assert.deepEqual(states, [['local', false], ['rollback', true]], 'shown at once, then undone');
  await inStep(ann, bob);
  assert.deepEqual(ann.shapes(), []);
  assert.deepEqual(bob.shapes(), []);
});

test('concurrent adds and moves of different shapes all apply; both clients converge on the same canvas and chat', async () => {
  const ann = await canvas('canvas-busy', 'ann', 'Ann');
  const bob = await canvas('canvas-busy', 'bob', 'Bob');
  const ids = await Promise.all([ann.add({ x: 1, y: 1 }), bob.add({ x: 2, y: 2 }), ann.add({ x: 3, y: 3 }), bob.add({ x: 4, y: 4 })]);
  await inStep(ann, bob);
  await Promise.all([ann.move(ids[1], 50, 50), bob.move(ids[0], 60, 60), ann.say('<b>hi</b>'), bob.say('hello')]);
  await inStep(ann, bob);
  assert.deepEqual(ann.shapes(), bob.shapes());
  assert.equal(ann.shapes().length, 4);
  assert.deepEqual(ann.chat().sort(), ['Ann: <b>hi</b>', 'Bob: hello']);
});

test('allPublicRooms pages through the registry: every public room once, in room id order, never a private one', async () => {
  const rooms = ['canvas-list-a', 'canvas-list-b', 'canvas-list-c'];
  for (const room of rooms) await (await canvas(room, 'ann', 'Ann')).client.setVisibility({ public: true, title: `Canvas ${room}` });
  await canvas('canvas-list-private', 'ann', 'Ann');
  const token = () => tokens('bob', 'Bob', { rooms: '*:read' });
  const listed = await until(
    async () => {
      const all = await allPublicRooms({ httpUrl: fixture.node.httpUrl, token, pageSize: 1 });
      return rooms.every((room) => all.some((r) => r.roomId === room)) && all;
    },
    { what: 'the three public rooms in the list' },
  );
  const ids = listed.map((room) => room.roomId);
  assert.deepEqual(ids, [...new Set(ids)].sort());
  assert.equal(ids.includes('canvas-list-private'), false);
  assert.equal(listed.find((room) => room.roomId === 'canvas-list-b').title, 'Canvas canvas-list-b');
});
