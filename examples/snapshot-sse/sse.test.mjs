// The snapshot + SSE example against a real node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeFixture } from '../../sdk/test/support/node.mjs';
import { join, until } from '../shared/parley.mjs';
import { tokens } from '../shared/test-tokens.mjs';
import { RoomMirror, readEvents, scenario } from './sse.mjs';

const fixture = nodeFixture();

function consecutive(versions) {
  return versions.every((version, i) => i === 0 || version === versions[i - 1] + 1);
}

test('readEvents: the text/event-stream format, split anywhere, with CRLF, comments and multi-line data', async () => {
  const text = ': heartbeat\r\nevent: snapshot\r\nid: 7\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: event\nid: 8\ndata:{"v":8}\n\ndata: plain\n\n';
  const bytes = new TextEncoder().encode(text);
  for (const size of [1, 2, 3, 7, bytes.length]) {
    const chunks = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
    const messages = [];
    for await (const message of readEvents(chunks)) messages.push(message);
    assert.deepEqual(messages, [
      { event: 'snapshot', id: '7', data: '{"a":\n1}' },
      { event: 'event', id: '8', data: '{"v":8}' },
      { event: 'message', id: undefined, data: 'plain' },
    ], `chunks of ${size}`);
  }
});

test('the documented scenario: snapshot, live events, a cut stream resumed with Last-Event-ID: every version once, in order, and the writer’s state', async () => {
  const { mirror, applied, writerVersion, writerState } = await scenario({ httpUrl: fixture.node.httpUrl, tokens, log: () => {}, room: 'mirror-scenario' });
  assert.equal(mirror.room.version, writerVersion);
  assert.deepEqual(mirror.room.values(), writerState);
  assert.equal(applied.at(-1), writerVersion);
  assert.ok(consecutive(applied), applied.join(','));
  assert.ok(mirror.streams >= 2, 'the stream was opened again');
  assert.deepEqual(mirror.room.chat.map((m) => m.text), ['the mirror will see this in its snapshot', 'written while the mirror was away']);
});

test('the node is killed and started again: the mirror resumes from the last version it applied, the token in a header this time', async () => {
  const writer = await join({ httpUrl: fixture.node.httpUrl, tokens, room: 'mirror-crash', userId: 'wendy', name: 'Wendy' });
  fixture.track(writer);
  await writer.set('n', 0);
  const outcomes = [];
  const mirror = new RoomMirror({
    httpUrl: fixture.node.httpUrl,
    roomId: 'mirror-crash',
    tokenIn: 'header',
    token: () => tokens('mirror', 'Mirror', { rooms: 'mirror-crash:read' }),
    onEvent: (event, outcome) => outcomes.push([event.version, outcome]),
  });
  await mirror.start();
  await writer.set('n', 1);
  await until(() => mirror.room.version === writer.version);

  await fixture.node.kill();
  await fixture.node.start();
  await writer.whenJoined();
  for (let n = 2; n <= 4; n++) await writer.set('n', n);
  await until(() => mirror.room.version === writer.version, { timeoutMs: 30000, what: 'the mirror after the restart' });
  await mirror.stop();

  assert.deepEqual(mirror.room.values(), { n: 4 });
  assert.ok(mirror.streams >= 2);
  assert.deepEqual(outcomes.filter(([, outcome]) => outcome !== 'applied'), [], 'no duplicate, no gap');
  assert.ok(consecutive(outcomes.map(([version]) => version)));
  assert.deepEqual([...mirror.room.members.keys()], ['wendy']);
});

test('a token that does not open the room: the snapshot request is refused (403) and the mirror says so', async () => {
  const mirror = new RoomMirror({
    httpUrl: fixture.node.httpUrl,
    roomId: 'mirror-private',
    token: () => tokens('mallory', 'Mallory', { rooms: 'elsewhere:read' }),
  });
  await assert.rejects(mirror.start(), /answered 403/);
});
