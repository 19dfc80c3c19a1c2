// The canvas-with-chat example against a real node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../shared/parley.mjs';
import { nodeForTests, tokens } from '../shared/test-tokens.mjs';
import { Canvas, publicRooms, scenario } from './canvas.mjs';

const fixture = nodeForTests();

async function canvas(room, userId, name) {
  const client = await fixture.join(room, userId, name);
  return new Canvas(client);
}

const inStep = (...canvases) =>
  until(() => canvases.every((c) => c.client.version === canvases[0].client.version && c.client.pendingCommands === 0), { what: 'in step' });

test('the documented scenario: shapes, a move, a delete racing a move (exactly one wins), chat; the room list is skipped on 404', async () => {
  const lines = [];
  const { rooms, ann, bob, removed, moved, house } = await scenario({ httpUrl: fixture.node.httpUrl, tokens, log: (line) => lines.push(line), room: 'canvas-scenario' });
  assert.equal(rooms, null);
  assert.match(lines[0], /no room registry yet .*404.*skipped/);
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

test('publicRooms: null on 404 (no registry), the list when the registry answers, an error otherwise', async () => {
  const token = await tokens('ann', 'Ann');
  assert.equal(await publicRooms({ httpUrl: fixture.node.httpUrl, token }), null);
  const answering = (status, body) => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  assert.deepEqual(await publicRooms({ httpUrl: 'http://x', token, fetchImpl: answering(200, { rooms: [{ roomId: 'lobby' }] }) }), [{ roomId: 'lobby' }]);
  assert.deepEqual(await publicRooms({ httpUrl: 'http://x', token, fetchImpl: answering(200, [{ roomId: 'a' }]) }), [{ roomId: 'a' }]);
  await assert.rejects(publicRooms({ httpUrl: 'http://x', token, fetchImpl: answering(500, {}) }), /answered 500/);
});
