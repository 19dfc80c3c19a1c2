// Unit tests of the client: the server's part is played through a fake socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyClient, ParleyError, backoffDelay } from '../parley.js';
import { fakeSockets, welcome, resumedWelcome, setEvent } from './support/fake-socket.mjs';
import { waitFor } from './support/node.mjs';

function setup(t, options = {}) {
  const fake = fakeSockets();
  const client = new ParleyClient({
    url: 'ws://parley.test',
    room: 'r',
    user: { id: 'ann', name: 'Ann' },
    WebSocket: fake.FakeSocket,
    random: () => 0,
    reconnect: { baseMs: 10, capMs: 100 },
    ...options,
  });
  t.after(() => client.close());
  const statuses = [];
  client.on('status', (status) => statuses.push(status));
  return { client, statuses, ...fake };
}

/** Connects and plays a welcome; returns the setup with the socket. */
async function joined(t, options = {}, welcomeFrame = welcome()) {
  const s = setup(t, options);
  s.client.connect();
  await waitFor(() => s.sockets.length === 1, { message: 'a socket' });
  s.last().open();
  s.last().receive(welcomeFrame);
  assert.equal(s.client.status, 'joined');
  return s;
}

/** Ends the current socket from the server's side and joins again on the next one. */
async function reconnect(s, welcomeFrame, close = (socket) => socket.serverClose(1006)) {
  const count = s.sockets.length;
  close(s.last());
  await waitFor(() => s.sockets.length === count + 1, { message: 'a new socket' });
  s.last().open();
  if (welcomeFrame) s.last().receive(welcomeFrame);
  return s.last();
}

// ------------------------------------------------------------------ connect

test('connect twice opens one socket', async (t) => {
  const s = setup(t);
  s.client.connect();
  s.client.connect();
  await waitFor(() => s.sockets.length === 1);
  s.client.connect();
  s.last().open();
  s.client.connect();
  s.last().receive(welcome());
  s.client.connect();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(s.sockets.length, 1);
  assert.deepEqual(
    s.statuses.map((x) => x.status),
    ['connecting', 'open', 'joined'],
  );
});

test('StrictMode: connect, close, connect in one tick opens one socket; so do connect, disconnect, connect', async (t) => {
  for (const stop of ['close', 'disconnect']) {
    const s = setup(t);
    s.client.connect();
    s.client[stop]();
    s.client.connect();
    await waitFor(() => s.sockets.length >= 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(s.sockets.length, 1, stop);
    s.last().open();
    s.last().receive(welcome());
    assert.equal(s.client.status, 'joined');
  }
});

test('StrictMode with a client per effect: the first client, closed in the same tick, never opens a socket', async (t) => {
  const fake = fakeSockets();
  const make = () => new ParleyClient({ url: 'ws://x', room: 'r', user: { id: 'a', name: 'A' }, WebSocket: fake.FakeSocket });
  const first = make().connect();
  first.close();
  const second = make().connect();
  t.after(() => second.close());
  await waitFor(() => fake.sockets.length === 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fake.sockets.length, 1);
});

test('hello carries the user; a resume carries the last applied version', async (t) => {
  const s = await joined(t, { user: { id: 'ann', name: 'Ann', color: '#112233' } }, welcome({ version: 4 }));
  assert.deepEqual(s.sockets[0].frames()[0], { type: 'hello', userId: 'ann', name: 'Ann', color: '#112233' });
  s.last().receive(setEvent(5, 'k', 1));
  const next = await reconnect(s);
  assert.deepEqual(next.frames()[0].resume, { version: 5 });
  assert.equal(next.url, 'ws://parley.test/v1/rooms/r/ws');
});

test('the url may be http(s) and the room id is checked', () => {
  const fake = fakeSockets();
  assert.throws(() => new ParleyClient({ url: 'ws://x', room: '../x', user: { id: 'a', name: 'A' } }), TypeError);
  assert.throws(() => new ParleyClient({ room: 'r', user: { id: 'a', name: 'A' } }), /url/);
  const client = new ParleyClient({ url: 'https://h:1/', room: 'r:1@x', user: { id: 'a', name: 'A' }, WebSocket: fake.FakeSocket });
  client.connect();
  return waitFor(() => fake.sockets.length === 1).then(() => {
    assert.equal(fake.sockets[0].url, 'wss://h:1/v1/rooms/r:1@x/ws');
    client.close();
  });
});

// ------------------------------------------------------------------ backoff

test('backoffDelay: full jitter between 0 and min(cap, base * 2^(attempt-1))', () => {
  const options = { baseMs: 100, capMs: 5000 };
  for (let attempt = 1; attempt <= 30; attempt++) {
    const ceiling = Math.min(5000, 100 * 2 ** (attempt - 1));
    assert.equal(backoffDelay(attempt, options, () => 0), 0);
    assert.equal(backoffDelay(attempt, options, () => 0.5), Math.floor(ceiling / 2));
    const top = backoffDelay(attempt, options, () => 1 - Number.EPSILON);
    assert.ok(top < ceiling && top >= ceiling - 1, `attempt ${attempt}: ${top} vs ${ceiling}`);
  }
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < 1000; i++) {
    const attempt = 1 + (i % 12);
    const delay = backoffDelay(attempt, options, random);
    assert.ok(delay >= 0 && delay < Math.min(5000, 100 * 2 ** (attempt - 1)));
  }
});

test('failures to open back off exponentially with jitter, reported as reconnecting with attempt and delay', async (t) => {
  const s = setup(t, { random: () => 0.999, reconnect: { baseMs: 4, capMs: 20 } });
  s.client.connect();
  for (let attempt = 1; attempt <= 5; attempt++) {
    await waitFor(() => s.sockets.length === attempt);
    s.last().fail(); // what a browser sees of an HTTP 401/403/429/503 at the upgrade
  }
  const reconnecting = s.statuses.filter((x) => x.status === 'reconnecting');
  assert.deepEqual(
    reconnecting.map((x) => [x.attempt, x.delayMs, x.reason]),
    [
      [1, 3, 'connect_failed'],
      [2, 7, 'connect_failed'],
      [3, 15, 'connect_failed'],
      [4, 19, 'connect_failed'],
      [5, 19, 'connect_failed'],
    ],
  );
});

test('an error without a close (Node 20) ends the attempt too, once', async (t) => {
  const s = setup(t);
  s.client.connect();
  await waitFor(() => s.sockets.length === 1);
  s.last().onerror({});
  s.last().onerror?.({});
  await waitFor(() => s.sockets.length === 2);
  assert.equal(s.statuses.filter((x) => x.status === 'reconnecting').length, 1);
});

test('maxAttempts: after them the client fails, loudly, and rejects what waits', async (t) => {
  const s = setup(t, { reconnect: { baseMs: 1, capMs: 2, maxAttempts: 2 } });
  const failed = new Promise((resolve) => s.client.on('failed', resolve));
  const command = s.client.set('k', 1);
  s.client.connect();
  for (let n = 1; n <= 3; n++) {
    await waitFor(() => s.sockets.length === n);
    s.last().fail();
  }
  const detail = await failed;
  assert.equal(detail.reason, 'max_attempts');
  assert.equal(detail.attempts, 3);
  await assert.rejects(command, (error) => error instanceof ParleyError && error.code === 'max_attempts');
  assert.equal(s.client.status, 'failed');
  assert.equal(s.sockets.length, 3);
});

test('a joined connection that lasted resets the attempts; a flapping one does not', async (t) => {
  const s = await joined(t, { reconnect: { baseMs: 1, capMs: 2, stableAfterMs: 60000 } });
  await reconnect(s, resumedWelcome({ version: 1 }));
  await reconnect(s, resumedWelcome({ version: 1 }));
  const attempts = s.statuses.filter((x) => x.status === 'reconnecting').map((x) => x.attempt);
  assert.deepEqual(attempts, [1, 2]);
});

test('reconnectNow on a live connection (the browser went offline) drops it and resumes at once, keeping unanswered commands', async (t) => {
  const s = await joined(t, { reconnect: { baseMs: 10000, capMs: 10000 } }, welcome({ version: 4 }));
  const dead = s.last();
  const answer = s.client.set('k', 1);
  assert.equal(dead.frames('set').length, 1);
  s.client.reconnectNow();
  assert.ok(dead.closedByClient, 'the old socket is closed');
  assert.equal(s.client.status, 'connecting');
  await waitFor(() => s.sockets.length === 2, { message: 'a new socket without a backoff wait' });
  dead.receive(setEvent(5, 'x', 1)); // a late frame of the old socket is ignored
  s.last().open();
  assert.deepEqual(s.last().frames()[0].resume, { version: 4 });
  s.last().receive(resumedWelcome({ version: 4 }));
  const [set] = s.last().frames('set');
  assert.equal(set.id, dead.frames('set')[0].id, 'the unanswered command is sent again, same id');
  s.last().receive(setEvent(5, 'k', 1, { userId: 'ann', id: set.id }));
  s.last().receive({ type: 'ack', id: set.id, version: 5 });
  assert.deepEqual(await answer, { id: set.id, version: 5 });
  assert.equal(s.client.version, 5);
  assert.equal(s.client.state.get('x'), undefined);
});

test('reconnectNow while waiting to reconnect tries at once; idle and closed clients stay as they are', async (t) => {
  const s = await joined(t, { reconnect: { baseMs: 60000, capMs: 60000 }, random: () => 0.999 });
  s.last().serverClose(1006);
  assert.equal(s.client.status, 'reconnecting');
  s.client.reconnectNow();
  await waitFor(() => s.sockets.length === 2, { message: 'a new socket' });
  const idle = setup(t);
  idle.client.reconnectNow();
  s.client.close();
  s.client.reconnectNow();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(idle.client.status, 'idle');
  assert.equal(idle.sockets.length, 0);
  assert.equal(s.client.status, 'closed');
  assert.equal(s.sockets.length, 2);
});

// ------------------------------------------------------------------ server hints

test('the reconnect frame: the client waits exactly its retryAfterMs, then resumes', async (t) => {
  const s = await joined(t, { reconnect: { baseMs: 10000, capMs: 10000 } }, welcome({ version: 3 }));
  const before = s.last();
  before.receive({ type: 'reconnect', reason: 'node_shutting_down', retryAfterMs: 30 });
  assert.ok(before.closedByClient, 'the client closes the socket itself after the last frame');
  const status = s.statuses.at(-1);
  assert.deepEqual([status.status, status.reason, status.delayMs, status.attempt], ['reconnecting', 'node_shutting_down', 30, 1]);
  await waitFor(() => s.sockets.length === 2);
  s.last().open();
  assert.deepEqual(s.last().frames()[0].resume, { version: 3 });
});

for (const code of ['slow_consumer', 'catch_up_failed']) {
  test(`error ${code}: the client reconnects and resumes`, async (t) => {
    const s = await joined(t, {}, welcome({ version: 9 }));
    s.last().receive({ type: 'error', code, message: 'resume to continue' });
    assert.equal(s.statuses.at(-1).reason, code);
    await waitFor(() => s.sockets.length === 2);
    s.last().open();
    assert.deepEqual(s.last().frames()[0].resume, { version: 9 });
  });
}

test('join_refused overloaded: the next attempt waits at least the hint', async (t) => {
  const s = setup(t);
  s.client.connect();
  await waitFor(() => s.sockets.length === 1);
  s.last().open();
  s.last().receive({ type: 'error', code: 'join_refused', message: 'overloaded: room overloaded, retry in 40 ms' });
  const status = s.statuses.at(-1);
  assert.deepEqual([status.status, status.reason, status.code, status.delayMs], ['reconnecting', 'overloaded', 'join_refused', 40]);
  s.last().serverClose(1000); // the close after the error changes nothing
  assert.equal(s.statuses.filter((x) => x.status === 'reconnecting').length, 1);
});

test('join_refused validation fails the client (retrying cannot help)', async (t) => {
  const s = setup(t);
  s.client.connect();
  await waitFor(() => s.sockets.length === 1);
  s.last().open();
  s.last().receive({ type: 'error', code: 'join_refused', message: 'validation: name must not be blank' });
  assert.equal(s.client.status, 'failed');
  assert.equal(s.statuses.at(-1).code, 'join_refused');
});

for (const code of ['kicked', 'room_closed', 'identity_mismatch']) {
  test(`${code} fails the client: reconnecting would undo the decision or be refused again`, async (t) => {
    const s = await joined(t);
    s.last().receive({ type: 'error', code, message: 'ended by the server' });
    s.last().serverClose(1000);
    assert.equal(s.client.status, 'failed');
    assert.equal(s.statuses.at(-1).code, code);
    assert.equal(s.sockets.length, 1, 'no reconnect');
  });
}

test('a reject with retryAfterMs (rate_limited, overloaded): the same frame again after the hint', async (t) => {
  const s = await joined(t);
  const answer = s.client.set('k', 1);
  const socket = s.last();
  const [sent] = socket.sent.slice(-1);
  const id = JSON.parse(sent).id;
  const rejectedAt = Date.now();
  socket.receive({ type: 'reject', id, code: 'rate_limited', message: 'retry in 25 ms', retryAfterMs: 25 });
  const other = s.client.set('j', 2); // waits behind the held command
  assert.equal(socket.sent.filter((x) => x === sent).length, 1);
  await waitFor(() => socket.sent.filter((x) => x === sent).length === 2, { message: 'the resend' });
  assert.ok(Date.now() - rejectedAt >= 24);
  const frames = socket.frames().filter((f) => f.type === 'set');
  assert.deepEqual(frames.map((f) => f.key), ['k', 'k', 'j']);
  socket.receive(setEvent(2, 'k', 1, { userId: 'ann', id }));
  socket.receive({ type: 'ack', id, version: 2 });
  assert.deepEqual(await answer, { id, version: 2 });
  socket.receive({ type: 'reject', id: frames[2].id, code: 'overloaded', message: 'room overloaded, retry in 5 ms' });
  await waitFor(() => socket.frames().filter((f) => f.id === frames[2].id).length === 2);
  socket.receive(setEvent(3, 'j', 2, { userId: 'ann', id: frames[2].id }));
  socket.receive({ type: 'ack', id: frames[2].id, version: 3 });
  assert.equal((await other).version, 3);
});

// ------------------------------------------------------------------ versions

test('duplicate and old versions are ignored; a gap is never applied: the client resumes', async (t) => {
  const s = await joined(t, {}, welcome({ version: 5, state: { k: { value: 0, version: 5, updatedBy: 'bob', updatedAt: 't' } } }));
  const applied = [];
  s.client.on('event', (event) => applied.push(event.version));
  s.last().receive(setEvent(6, 'k', 6));
  s.last().receive(setEvent(6, 'k', 'duplicate'));
  s.last().receive(setEvent(4, 'k', 'old'));
  s.last().receive(setEvent(5, 'k', 'old'));
  assert.deepEqual(applied, [6]);
  assert.equal(s.client.state.get('k').value, 6);
  const before = s.last();
  before.receive(setEvent(8, 'k', 'gap'));
  assert.deepEqual(applied, [6]);
  assert.equal(s.client.version, 6);
  assert.equal(s.client.state.get('k').value, 6);
  assert.ok(before.closedByClient, 'the socket with the gap is closed');
  assert.equal(s.statuses.at(-1).reason, 'gap');
  before.receive(setEvent(7, 'k', 'late')); // the old socket is not listened to any more
  assert.equal(s.client.version, 6);
  await waitFor(() => s.sockets.length === 2);
  s.last().open();
  assert.deepEqual(s.last().frames()[0].resume, { version: 6 });
  s.last().receive(resumedWelcome({ version: 6 }));
  s.last().receive(setEvent(7, 'k', 7));
  s.last().receive(setEvent(8, 'k', 8));
  assert.deepEqual(applied, [6, 7, 8]);
  assert.equal(s.client.state.get('k').value, 8);
  assert.equal(s.client.state.get('k').version, 8);
});

test('a fresh snapshot after a resume replaces the state', async (t) => {
  const s = await joined(t, {}, welcome({ version: 2, state: { a: { value: 1, version: 2, updatedBy: 'x', updatedAt: 't' } } }));
  const changes = [];
  s.client.on('state', (change) => changes.push(change));
  await reconnect(s, welcome({ version: 20000, state: { b: { value: 2, version: 19000, updatedBy: 'x', updatedAt: 't' } } }));
  assert.equal(s.client.version, 20000);
  assert.equal(s.client.state.has('a'), false);
  assert.equal(s.client.state.get('b').value, 2);
  assert.deepEqual(changes.map((c) => [c.key, c.deleted]).sort(), [['a', true], ['b', false]]);
});

test('a resumed welcome at another version than asked: the client takes a snapshot instead', async (t) => {
  const s = await joined(t, {}, welcome({ version: 4 }));
  await reconnect(s, resumedWelcome({ version: 7 }));
  await waitFor(() => s.sockets.length === 3);
  s.last().open();
  assert.equal(s.last().frames()[0].resume, undefined);
});

// ------------------------------------------------------------------ presence, chat, cursors

test('presence, chat and the read-only view follow the events', async (t) => {
  const s = await joined(t);
  const presence = [];
  const chat = [];
  s.client.on('presence', (p) => presence.push([p.type, p.userId, p.member?.status]));
  s.client.on('chat', (m) => chat.push(m.text));
  const socket = s.last();
  socket.receive({ type: 'event', version: 2, kind: 'member.joined', userId: 'bob', at: 't2', sessionId: 's-bob', name: 'Bob', color: '#00ff00' });
  socket.receive({ type: 'event', version: 3, kind: 'member.ready', userId: 'bob', at: 't3', id: 'r1', ready: true });
  socket.receive({ type: 'event', version: 4, kind: 'member.focused', userId: 'bob', at: 't4', id: 'f1', document: { id: 'd', type: 'canvas' } });
  socket.receive({ type: 'event', version: 5, kind: 'session.opened', userId: 'bob', at: 't5', sessionId: 's-bob2', name: 'Bob', color: '#00ff00' });
  socket.receive({ type: 'event', version: 6, kind: 'chat.posted', userId: 'bob', at: 't6', id: 'm1', message: { id: 'm1', userId: 'bob', text: 'hi <b>', at: 't6', version: 6 } });
  socket.receive({ type: 'event', version: 7, kind: 'session.closed', userId: 'bob', at: 't7', sessionId: 's-bob2' });
  socket.receive({ type: 'event', version: 8, kind: 'member.away', userId: 'bob', at: 't8', sessionId: 's-bob' });
  const away = s.client.members.get('bob');
  assert.deepEqual(
    { status: away.status, sessions: away.sessions, ready: away.ready, awaySince: away.awaySince, lastSeen: away.lastSeen, document: away.document },
    { status: 'away', sessions: 0, ready: true, awaySince: 't8', lastSeen: 't8', document: { id: 'd', type: 'canvas' } },
  );
  socket.receive({ type: 'event', version: 9, kind: 'session.opened', userId: 'bob', at: 't9', sessionId: 's-bob3', name: 'Bob', color: '#00ff00' });
  assert.equal(s.client.members.get('bob').awaySince, undefined);
  socket.receive({ type: 'event', version: 10, kind: 'member.left', userId: 'bob', at: 't10', reason: 'left' });
  assert.deepEqual(presence, [
    ['joined', 'bob', 'online'],
    ['ready', 'bob', 'online'],
    ['focus', 'bob', 'online'],
    ['sessions', 'bob', 'online'],
    ['sessions', 'bob', 'online'],
    ['status', 'bob', 'away'],
    ['status', 'bob', 'online'],
    ['left', 'bob', 'online'],
  ]);
  assert.deepEqual(chat, ['hi <b>']);
  assert.deepEqual(s.client.messages.map((m) => m.id), ['m1']);
  assert.equal(s.client.members.has('bob'), false);
  assert.deepEqual([...s.client.members.keys()], ['ann']);
  assert.throws(() => {
    s.client.messages.push({});
  }, TypeError);
  assert.equal(typeof s.client.members.set, 'undefined');
  assert.ok(Object.isFrozen(s.client.members.get('ann')));
});

test('cursors: batches applied (not our own), cleared with the session; sending is throttled, latest only, never queued', async (t) => {
  const s = setup(t, { cursorsPerSecond: 20 });
  s.client.cursor(1, 1); // before any connection: kept, as the latest only
  s.client.cursor(2, 2, 'doc');
  s.client.connect();
  await waitFor(() => s.sockets.length === 1);
  s.last().open();
  assert.equal(s.last().frames('cursor').length, 0, 'no cursor before the welcome');
  s.last().receive(welcome());
  assert.deepEqual(s.last().frames('cursor'), [{ type: 'cursor', x: 2, y: 2, document: 'doc' }]);
  for (let i = 3; i <= 50; i++) s.client.cursor(i, i);
  assert.equal(s.last().frames('cursor').length, 1, 'throttled');
  const started = Date.now();
  await waitFor(() => s.last().frames('cursor').length === 2);
  assert.ok(Date.now() - started >= 40);
  assert.deepEqual(s.last().frames('cursor')[1], { type: 'cursor', x: 50, y: 50 });

  const batches = [];
  s.client.on('cursors', (batch) => batches.push(batch));
  s.last().receive({ type: 'event', version: 2, kind: 'member.joined', userId: 'bob', at: 't', sessionId: 's-bob', name: 'Bob', color: '#00ff00' });
  s.last().receive({ type: 'cursors', cursors: [{ userId: 'bob', sessionId: 's-bob', x: 1, y: 2 }, { userId: 'ann', sessionId: 's-ann', x: 9, y: 9 }] });
  s.last().receive({ type: 'cursors', cursors: [{ userId: 'bob', sessionId: 's-bob', x: 3, y: 4, document: 'd' }] });
  assert.equal(batches.length, 2);
  assert.deepEqual(s.client.cursors.get('s-bob'), { userId: 'bob', sessionId: 's-bob', x: 3, y: 4, document: 'd' });
  assert.equal(s.client.cursors.has('s-ann'), false);
  s.last().receive({ type: 'event', version: 3, kind: 'member.away', userId: 'bob', at: 't', sessionId: 's-bob' });
  assert.equal(s.client.cursors.size, 0);
});

test('cursors are not queued while disconnected: only the latest goes after the welcome', async (t) => {
  const s = await joined(t);
  s.last().serverClose(1006);
  for (let i = 0; i < 10; i++) s.client.cursor(i, i);
  await waitFor(() => s.sockets.length === 2);
  s.last().open();
  s.last().receive(resumedWelcome({ version: 1 }));
  assert.deepEqual(s.last().frames('cursor'), [{ type: 'cursor', x: 9, y: 9 }]);
});

// ------------------------------------------------------------------ commands

test('commands resolve on ack and reject on reject with a ParleyError carrying code and retryAfterMs', async (t) => {
  const s = await joined(t, { commandRetries: 0 });
  const socket = s.last();
  const chat = s.client.chat('hello');
  const [frame] = socket.frames('chat');
  assert.equal(frame.text, 'hello');
  socket.receive({ type: 'ack', id: frame.id, version: 2 });
  assert.deepEqual(await chat, { id: frame.id, version: 2 });

  const ready = s.client.ready(true);
  const [readyFrame] = socket.frames('ready');
  socket.receive({ type: 'reject', id: readyFrame.id, code: 'rate_limited', message: 'too many changes; retry in 734 ms', retryAfterMs: 734 });
  await assert.rejects(ready, (error) => {
    assert.ok(error instanceof ParleyError && error instanceof Error);
    assert.equal(error.code, 'rate_limited');
    assert.equal(error.retryAfterMs, 734);
    assert.equal(error.message, 'too many changes; retry in 734 ms');
    return true;
  });

  const focus = s.client.focus({ id: 'doc', type: 'Bad Type' });
  const [focusFrame] = socket.frames('focus');
  socket.receive({ type: 'error', code: 'invalid_field', field: 'document.type', message: 'lower-case', id: focusFrame.id });
  await assert.rejects(focus, { code: 'invalid_field', field: 'document.type' });
  assert.equal(s.client.pendingCommands, 0);
});

test('command ids: a random prefix per client and a counter; unique across clients', async (t) => {
  const a = await joined(t);
  const b = await joined(t);
  for (let i = 0; i < 3; i++) {
    a.client.ready(true).catch(() => {});
    b.client.ready(true).catch(() => {});
  }
  const ids = [...a.last().frames('ready'), ...b.last().frames('ready')].map((f) => f.id);
  assert.equal(new Set(ids).size, 6);
  for (const id of ids) assert.match(id, /^[a-z][a-z0-9]{7}-\d+$/);
  assert.notEqual(ids[0].split('-')[0], ids[3].split('-')[0]);
});

test('optimistic set, confirmed by its event; a conflict rolls it back', async (t) => {
  const s = await joined(t, {}, welcome({ version: 3, state: { title: { value: 'old', version: 3, updatedBy: 'bob', updatedAt: 't' } } }));
  const changes = [];
  s.client.on('state', (c) => changes.push([c.key, c.value, c.source, c.pending]));
  const socket = s.last();
  assert.equal(s.client.versionOf('title'), 3);
  const first = s.client.set('title', 'mine', { expect: 3 });
  assert.deepEqual(s.client.state.get('title'), { value: 'mine', version: 3, updatedBy: 'ann', updatedAt: null, pending: true });
  const [frame] = socket.frames('set');
  assert.deepEqual(frame, { type: 'set', id: frame.id, key: 'title', value: 'mine', expect: 3 });
  socket.receive(setEvent(4, 'title', 'mine', { userId: 'ann', id: frame.id }));
  assert.equal(s.client.state.get('title').pending, undefined);
  assert.equal(s.client.state.get('title').version, 4);
  socket.receive({ type: 'ack', id: frame.id, version: 4 });
  await first;

  // bob changes it in between: our compare-and-set against version 4 conflicts
  const second = s.client.set('title', 'mine again', { expect: 4 });
  assert.equal(s.client.state.get('title').value, 'mine again');
  socket.receive(setEvent(5, 'title', 'bobs'));
  assert.equal(s.client.state.get('title').value, 'mine again', 'the unanswered change stays on top');
  const [, secondFrame] = socket.frames('set');
  socket.receive({ type: 'reject', id: secondFrame.id, code: 'conflict', message: 'title is at version 5, expected 4' });
  await assert.rejects(second, { code: 'conflict' });
  assert.deepEqual(s.client.state.get('title'), { value: 'bobs', version: 5, updatedBy: 'bob', updatedAt: 't' });
  assert.deepEqual(changes, [
    ['title', 'mine', 'local', true],
    ['title', 'mine', 'server', false],
    ['title', 'mine again', 'local', true],
    ['title', 'bobs', 'rollback', false],
  ]);
});

test('a rejected batch rolls back every key, a rejected delete brings the key back', async (t) => {
  const s = await joined(t, {}, welcome({ version: 2, state: { a: { value: 1, version: 2, updatedBy: 'x', updatedAt: 't' } } }));
  const socket = s.last();
  const batch = s.client.batch([
    { op: 'set', key: 'b', value: { x: 1 }, expect: 0 },
    { op: 'delete', key: 'a' },
  ]);
  assert.equal(s.client.state.has('a'), false);
  assert.deepEqual(s.client.state.get('b').value, { x: 1 });
  const [frame] = socket.frames('batch');
  assert.deepEqual(frame.ops, [{ op: 'set', key: 'b', value: { x: 1 }, expect: 0 }, { op: 'delete', key: 'a' }]);
  socket.receive({ type: 'reject', id: frame.id, code: 'conflict', message: 'b is at version 2, expected 0' });
  await assert.rejects(batch, { code: 'conflict' });
  assert.equal(s.client.state.get('a').value, 1);
  assert.equal(s.client.state.has('b'), false);

  const del = s.client.delete('a', { expect: 1 });
  assert.equal(s.client.state.has('a'), false);
  const [delFrame] = socket.frames('delete');
  assert.equal(delFrame.expect, 1);
  socket.receive({ type: 'reject', id: delFrame.id, code: 'conflict', message: 'a is at version 2, expected 1' });
  await assert.rejects(del, { code: 'conflict' });
  assert.equal(s.client.state.get('a').value, 1);
});

test('the caller changing its object later does not change the optimistic value or the resent frame', async (t) => {
  const s = await joined(t);
  const value = { n: 1 };
  s.client.set('k', value).catch(() => {});
  value.n = 2;
  assert.deepEqual(s.client.state.get('k').value, { n: 1 });
  assert.throws(() => {
    s.client.state.get('k').value.n = 3;
  }, TypeError);
});

test('unanswered commands are sent again after a reconnect, same id and same content, in order', async (t) => {
  const s = await joined(t);
  const one = s.client.set('k', { v: 1 });
  const two = s.client.chat('hi');
  const first = s.last().sent.slice(1); // after the hello
  assert.equal(first.length, 2);
  s.last().serverClose(1006);
  const three = s.client.ready(true); // offline: queued
  await waitFor(() => s.sockets.length === 2);
  s.last().open();
  assert.equal(s.last().sent.length, 1, 'only hello before the welcome');
  s.last().receive(resumedWelcome({ version: 1 }));
  const again = s.last().sent.slice(1);
  assert.deepEqual(again.slice(0, 2), first, 'byte for byte the same frames');
  assert.equal(JSON.parse(again[2]).type, 'ready');
  const ids = again.map((x) => JSON.parse(x).id);
  s.last().receive({ type: 'ack', id: ids[0], version: 2 });
  s.last().receive({ type: 'ack', id: ids[1], version: 3 });
  s.last().receive({ type: 'ack', id: ids[2], version: 4 });
  assert.deepEqual((await Promise.all([one, two, three])).map((a) => a.version), [2, 3, 4]);
});

test('offline queue: bounded; the newest command beyond it is rejected with queue_full', async (t) => {
  const s = setup(t, { queueSize: 3 });
  const queued = [s.client.set('a', 1), s.client.set('b', 2), s.client.chat('x')];
  await assert.rejects(s.client.set('c', 3), (error) => {
    assert.equal(error.code, 'queue_full');
    assert.match(error.message, /queueSize 3/);
    return true;
  });
  assert.equal(s.client.pendingCommands, 3);
  assert.equal(s.client.state.has('c'), false, 'a refused command changes nothing locally');
  assert.equal(s.client.state.get('a').value, 1);
  s.client.connect();
  await waitFor(() => s.sockets.length === 1);
  s.last().open();
  s.last().receive(welcome());
  const sent = s.last().frames().slice(1);
  assert.deepEqual(sent.map((f) => f.type), ['set', 'set', 'chat']);
  sent.forEach((f, i) => s.last().receive({ type: 'ack', id: f.id, version: 2 + i }));
  await Promise.all(queued);
  s.client.set('c', 3).catch(() => {}); // room again
  assert.equal(s.client.pendingCommands, 1);
});

test('close() rejects what is not answered (code closed), rolls back, and sends leave', async (t) => {
  const s = await joined(t);
  const socket = s.last();
  const command = s.client.set('k', 1);
  s.client.close();
  await assert.rejects(command, { code: 'closed' });
  assert.equal(s.client.state.has('k'), false);
  assert.equal(socket.frames().at(-1).type, 'leave');
  assert.equal(socket.closedByClient, 1000);
  assert.equal(s.client.status, 'closed');
  await assert.rejects(s.client.set('k', 2), { code: 'closed' });
  const other = await joined(t);
  other.client.disconnect();
  assert.notEqual(other.sockets[0].frames().at(-1).type, 'leave');
});

test('invalid arguments and oversized frames are refused locally', async (t) => {
  const s = await joined(t);
  await assert.rejects(s.client.set('k', undefined), { code: 'invalid_argument' });
  await assert.rejects(s.client.batch([{ op: 'move', key: 'k' }]), { code: 'invalid_argument' });
  await assert.rejects(s.client.set('k', 'x'.repeat(70000)), { code: 'frame_too_large' });
  let deep = 1;
  for (let i = 0; i < 17; i++) deep = [deep];
  await assert.rejects(s.client.batch([{ op: 'set', key: 'k', value: deep }]), { code: 'invalid_argument' });
  s.client.set('k', deep[0]).catch(() => {}); // 16 levels: the server's limit, sent
  assert.throws(() => s.client.cursor(NaN, 1), TypeError);
  assert.equal(s.client.pendingCommands, 1);
});

// ------------------------------------------------------------------ tokens

test('token: the provider is asked on every connect and its token goes in access_token; none without provider', async (t) => {
  let n = 0;
  const s = await joined(t, { token: async () => `tok.${++n}+/=` });
  assert.equal(s.last().url, 'ws://parley.test/v1/rooms/r/ws?access_token=tok.1%2B%2F%3D');
  await reconnect(s, resumedWelcome({ version: 1 }));
  assert.equal(s.last().url, 'ws://parley.test/v1/rooms/r/ws?access_token=tok.2%2B%2F%3D');
  const plain = await joined(t);
  assert.equal(plain.last().url, 'ws://parley.test/v1/rooms/r/ws');
});

test('token_expiring: the client asks the provider and sends refresh; refreshed updates the permission', async (t) => {
  let n = 0;
  const s = await joined(t, { token: async () => `jwt${++n}` }, welcome({ permission: 'write', tokenExpiresAt: '2030-01-01T00:00:00Z' }));
  assert.equal(s.client.permission, 'write');
  assert.equal(s.client.tokenExpiresAt, '2030-01-01T00:00:00Z');
  const permissions = [];
  s.client.on('permission', (p) => permissions.push(p));
  s.last().receive({ type: 'token_expiring', tokenExpiresAt: '2030-01-01T00:00:00Z' });
  await waitFor(() => s.last().frames('refresh').length === 1);
  assert.deepEqual(s.last().frames('refresh'), [{ type: 'refresh', token: 'jwt2' }]);
  s.last().receive({ type: 'refreshed', permission: 'read', tokenExpiresAt: '2030-01-01T01:00:00Z' });
  assert.deepEqual(permissions, [{ permission: 'read', tokenExpiresAt: '2030-01-01T01:00:00Z' }]);
  assert.equal(s.client.permission, 'read');

  const errors = [];
  s.client.on('error', (e) => errors.push(e.code));
  s.last().receive({ type: 'error', code: 'refresh_refused', message: 'token for another user' });
  assert.deepEqual(errors, ['refresh_refused']);
  assert.equal(s.client.status, 'joined', 'a refused refresh does not end the connection');

  s.last().receive({ type: 'error', code: 'token_expired', message: 'the token expired' });
  assert.equal(s.statuses.at(-1).reason, 'token_expired');
  await waitFor(() => s.sockets.length === 2);
  assert.equal(s.last().url, 'ws://parley.test/v1/rooms/r/ws?access_token=jwt3');
});

test('a failing token provider: reported as an error, retried with backoff', async (t) => {
  let calls = 0;
  const s = setup(t, {
    token: async () => {
      if (++calls < 3) throw new Error('no session');
      return 'ok';
    },
  });
  const errors = [];
  s.client.on('error', (e) => errors.push(e.code));
  s.client.connect();
  await waitFor(() => s.sockets.length === 1);
  assert.deepEqual(errors, ['token_provider', 'token_provider']);
  assert.equal(s.last().url, 'ws://parley.test/v1/rooms/r/ws?access_token=ok');
});

// ------------------------------------------------------------------ liveness and snapshots

test('whenJoined resolves on joined, rejects on close', async (t) => {
  const s = setup(t);
  const joinedPromise = s.client.connect().whenJoined();
  await waitFor(() => s.sockets.length === 1);
  s.last().open();
  s.last().receive(welcome());
  assert.equal(await joinedPromise, s.client);
  const other = setup(t);
  const pending = other.client.connect().whenJoined();
  other.client.close();
  await assert.rejects(pending, { code: 'closed' });
  await assert.rejects(other.client.whenJoined(), { code: 'closed' });
});

test('getSnapshot: the same object until something changes', async (t) => {
  const s = await joined(t);
  const calls = [];
  s.client.subscribe(() => calls.push(1));
  const a = s.client.getSnapshot();
  assert.equal(s.client.getSnapshot(), a);
  s.last().receive(setEvent(2, 'k', 1));
  const b = s.client.getSnapshot();
  assert.notEqual(b, a);
  assert.equal(b.state.k.value, 1);
  assert.equal(b.version, 2);
  assert.ok(calls.length >= 1);
});

test('a listener that throws does not break the client', async (t) => {
  const s = await joined(t);
  s.client.on('state', () => {
    throw new Error('listener bug');
  });
  const seen = [];
  s.client.on('state', (c) => seen.push(c.key));
  // the test runner's own handlers would count the error against the test: set them aside
  const runners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const uncaught = new Promise((resolve) => process.once('uncaughtException', resolve));
  try {
    s.last().receive(setEvent(2, 'k', 1));
    assert.equal((await uncaught).message, 'listener bug');
  } finally {
    for (const listener of runners) process.on('uncaughtException', listener);
  }
  assert.deepEqual(seen, ['k']);
  assert.equal(s.client.version, 2);
});

// ------------------------------------------------------------------ visibility, public rooms

test('visibility: private until said otherwise; the snapshot and room.visibility events set it, each change an event', async (t) => {
  const s = await joined(t);
  assert.deepEqual(s.client.visibility, { public: false, title: null }, 'a snapshot without visibility (an older server): private');
  const changes = [];
  s.client.on('visibility', (change) => changes.push(change));
  const socket = s.last();
  const sent = s.client.setVisibility({ public: true, title: 'Design review' });
  const frame = socket.frames('visibility')[0];
  assert.deepEqual(frame, { type: 'visibility', id: frame.id, public: true, title: 'Design review' });
  assert.deepEqual(s.client.visibility, { public: false, title: null }, 'not optimistic');
  socket.receive({ type: 'event', version: 2, kind: 'room.visibility', userId: 'ann', at: 't2', id: frame.id, public: true, title: 'Design review' });
  socket.receive({ type: 'ack', id: frame.id, version: 2 });
  assert.deepEqual(await sent, { id: frame.id, version: 2 });
  assert.deepEqual(s.client.visibility, { public: true, title: 'Design review' });
  assert.equal(s.client.getSnapshot().visibility, s.client.visibility);
  assert.ok(Object.isFrozen(s.client.visibility));

  // someone else's change
  socket.receive({ type: 'event', version: 3, kind: 'room.visibility', userId: 'bob', at: 't3', id: 'v9', public: false, title: null });
  assert.deepEqual(s.client.visibility, { public: false, title: null });
  const again = s.client.setVisibility({ public: false });
  const second = socket.frames('visibility')[1];
  assert.deepEqual(second, { type: 'visibility', id: second.id, public: false });
  socket.receive({ type: 'error', code: 'invalid_field', field: 'title', id: second.id, message: 'title: only a public room has a title' });
  await assert.rejects(again, (error) => error.code === 'invalid_field' && error.field === 'title');

  // a snapshot after a missed change (too far behind to resume) reports it too
  await reconnect(s, welcome({ version: 9, visibility: { public: true, title: 'Back' } }));
  assert.deepEqual(s.client.visibility, { public: true, title: 'Back' });
  assert.deepEqual(changes, [
    { public: true, title: 'Design review', version: 2, userId: 'ann' },
    { public: false, title: null, version: 3, userId: 'bob' },
    { public: true, title: 'Back', version: 9 },
  ]);
  await assert.rejects(s.client.setVisibility({ title: 'no flag' }), (error) => error.code === 'invalid_argument');
});

test('publicRooms: the URL, the token, paging and the server’s errors', async () => {
  const requests = [];
  const answering = (status, body) => async (url, init) => {
    requests.push({ url, authorization: init.headers.Authorization });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  const { publicRooms } = await import('../parley.js');
  const room = { roomId: 'lobby', title: 'Lobby', members: 3, lastActivity: '2025-01-01T00:00:00Z' };
  const page = await publicRooms({ url: 'wss://parley.test/', token: async () => 'T1', limit: 10, after: 'a', fetch: answering(200, { rooms: [room], next: 'lobby' }) });
  assert.deepEqual(page, { rooms: [room], next: 'lobby' });
  assert.ok(Object.isFrozen(page.rooms[0]));
  assert.deepEqual(requests.pop(), { url: 'https://parley.test/v1/rooms?public=true&limit=10&after=a', authorization: 'Bearer T1' });

  await publicRooms({ url: 'http://127.0.0.1:1', fetch: answering(200, { rooms: [], next: null }) });
  assert.deepEqual(requests.pop(), { url: 'http://127.0.0.1:1/v1/rooms?public=true', authorization: undefined });

  await assert.rejects(
    publicRooms({ url: 'http://x', token: 'T', limit: 0, fetch: answering(400, { code: 'invalid_field', field: 'limit', message: 'must be a whole number from 1 to 100' }) }),
    (error) => error instanceof ParleyError && error.code === 'invalid_field' && error.field === 'limit' && error.status === 400 && /from 1 to 100/.test(error.message),
  );
  await assert.rejects(publicRooms({ url: 'http://x', fetch: answering(502, '<html>bad gateway</html>') }), (error) => error.code === 'http_502' && error.status === 502);
  await assert.rejects(publicRooms({ url: 'http://x', fetch: answering(200, { what: 1 }) }), (error) => error.code === 'bad_response');
  await assert.rejects(publicRooms({ url: 'http://x', fetch: async () => { throw new TypeError('fetch failed'); } }), (error) => error.code === 'network');
  await assert.rejects(publicRooms({ url: 'http://x', token: async () => { throw new Error('no session'); }, fetch: answering(200, {}) }), (error) => error.code === 'token_provider');

  // the client's own: its server and its token provider
  const client = new ParleyClient({ url: 'https://parley.test', room: 'r', user: { id: 'ann', name: 'Ann' }, token: async () => 'T2' });
  await client.publicRooms({ fetch: answering(200, { rooms: [], next: null }) });
  assert.deepEqual(requests.pop(), { url: 'https://parley.test/v1/rooms?public=true', authorization: 'Bearer T2' });
});
