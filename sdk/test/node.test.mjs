// The client against a real Parley node process (the jar, see support/node.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ParleyClient, ParleyError } from '../parley.js';
import { JAR, nodeFixture, startNode, tokenProvider, token, roomUrl, waitFor, freePort, readHeaders } from './support/node.mjs';

const fixture = nodeFixture();

function client(room, userId, name, options = {}) {
  const made = new ParleyClient({
    url: fixture.node.url,
    room,
    user: { id: userId, name },
    token: tokenProvider(userId, name),
    reconnect: { baseMs: 100, capMs: 1000 },
    ...options,
  });
  fixture.track(made);
  return made;
}

/** The global WebSocket, counting the sockets made through it. */
function countingWebSocket() {
  const made = [];
  class CountingWebSocket extends WebSocket {
    constructor(...args) {
      super(...args);
      made.push(this);
    }
  }
  return { WebSocket: CountingWebSocket, made };
}

/** The next event of `type` whose payload passes `predicate`. */
function next(emitter, type, predicate = () => true) {
  return new Promise((resolve) => {
    const off = emitter.on(type, (payload) => {
      if (predicate(payload)) {
        off();
        resolve(payload);
      }
    });
  });
}

async function presence(room) {
  const response = await fetch(`${fixture.node.httpUrl}/v1/rooms/${room}/presence`, { headers: readHeaders() });
  return response.json();
}

test('connect is idempotent: twice, and StrictMode (connect, close, connect in one tick) leave one socket and one session', async () => {
  const counting = countingWebSocket();
  // a retry of a failed attempt (a slow first start of the room) is one more socket, and reported
  const retries = [];
  const watch = (c) => c.on('reconnecting', (detail) => retries.push(detail));
  const twice = client('idempotent', 'ann', 'Ann', { WebSocket: counting.WebSocket });
  watch(twice);
  twice.connect();
  twice.connect();
  await twice.whenJoined();
  twice.connect();

  const strict = client('idempotent', 'bob', 'Bob', { WebSocket: counting.WebSocket });
  watch(strict);
  strict.connect();
  strict.close();
  strict.connect();
  strict.disconnect();
  strict.connect();
  await strict.whenJoined();

  // a component that makes its own client in the effect: the first one never opens a socket
  const first = client('idempotent', 'eve', 'Eve', { WebSocket: counting.WebSocket }).connect();
  first.close();
  const second = client('idempotent', 'eve', 'Eve', { WebSocket: counting.WebSocket });
  watch(second);
  await second.connect().whenJoined();

  assert.equal(counting.made.filter((socket) => socket.readyState === WebSocket.OPEN).length, 3);
  assert.equal(counting.made.length, 3 + retries.length, JSON.stringify(retries));
  const members = (await presence('idempotent')).members;
  assert.deepEqual(
    members.map((m) => [m.userId, m.sessions]),
    [['ann', 1], ['bob', 1], ['eve', 1]],
  );
  for (const c of [twice, strict, second]) c.close();
});

test('two clients: presence, state, chat and cursors reach the other; a concurrent compare-and-set rolls back the loser', async () => {
  const ann = client('pair', 'ann', 'Ann');
  const bob = client('pair', 'bob', 'Bob');
  await ann.connect().whenJoined();
  const bobJoined = next(ann, 'presence', (p) => p.type === 'joined' && p.userId === 'bob');
  await bob.connect().whenJoined();
  await bobJoined;
  assert.deepEqual([...bob.members.keys()], ['ann', 'bob']);

  const first = await ann.set('title', { text: 'Plan' }, { expect: 0 });
  await waitFor(() => bob.version >= first.version, { message: 'bob at the version of the ack' });
  assert.deepEqual(bob.state.get('title'), { value: { text: 'Plan' }, version: first.version, updatedBy: 'ann', updatedAt: bob.state.get('title').updatedAt });

  // both edit the version they saw: one wins, the other is rejected and rolled back
  const annTry = ann.set('title', { text: 'ann' }, { expect: first.version });
  const bobTry = bob.set('title', { text: 'bob' }, { expect: bob.versionOf('title') });
  assert.deepEqual(bob.state.get('title').value, { text: 'bob' }, 'optimistic');
  const [annResult, bobResult] = await Promise.allSettled([annTry, bobTry]);
  const results = [annResult.status, bobResult.status].sort();
  assert.deepEqual(results, ['fulfilled', 'rejected']);
  const loser = annResult.status === 'rejected' ? annResult.reason : bobResult.reason;
  assert.ok(loser instanceof ParleyError);
  assert.equal(loser.code, 'conflict');
  const winner = annResult.status === 'fulfilled' ? annResult.value : bobResult.value;
  await waitFor(() => ann.version >= winner.version && bob.version >= winner.version);
  assert.deepEqual(ann.state.get('title'), bob.state.get('title'));
  assert.equal(ann.state.get('title').version, winner.version);
  assert.equal(ann.state.get('title').pending, undefined);

  const chat = next(ann, 'chat');
  const posted = await bob.chat('hello <b>');
  assert.equal((await chat).text, 'hello <b>');
  assert.equal(ann.messages.at(-1).id, posted.id);

  const ready = next(ann, 'presence', (p) => p.type === 'ready');
  const focus = next(ann, 'presence', (p) => p.type === 'focus');
  await bob.ready(true);
  await bob.focus({ id: 'doc-1', type: 'canvas' });
  assert.equal((await ready).member.ready, true);
  assert.deepEqual((await focus).member.document, { id: 'doc-1', type: 'canvas' });

  const cursors = next(ann, 'cursors', (batch) => batch.some((c) => c.userId === 'bob' && c.x === 7));
  bob.cursor(5, 6, 'doc-1');
  bob.cursor(7, 8, 'doc-1');
  await cursors;
  await waitFor(() => ann.cursors.get(bob.sessionId)?.x === 7, { message: "bob's latest cursor" });
  assert.deepEqual(ann.cursors.get(bob.sessionId), { userId: 'bob', sessionId: bob.sessionId, x: 7, y: 8, document: 'doc-1' });

  const left = next(ann, 'presence', (p) => p.type === 'left' && p.userId === 'bob');
  bob.close();
  assert.equal((await left).reason, 'left');
  ann.close();
});

test('a retry with other content under the same id is rejected with id_reused', async () => {
  const socket = new WebSocket(roomUrl(fixture.node, 'reuse', 'ann', 'Ann'));
  const frames = [];
  socket.onmessage = (message) => frames.push(JSON.parse(message.data));
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const answer = (id) => waitFor(() => frames.find((f) => (f.type === 'ack' || f.type === 'reject') && f.id === id), { message: `the answer to ${id}` });
  socket.send(JSON.stringify({ type: 'hello', userId: 'ann', name: 'Ann' }));
  await waitFor(() => frames.some((f) => f.type === 'welcome'));
  socket.send(JSON.stringify({ type: 'set', id: 'x1', key: 'k', value: 1 }));
  const ack = await answer('x1');
  assert.equal(ack.type, 'ack');
  frames.length = 0;
  socket.send(JSON.stringify({ type: 'set', id: 'x1', key: 'k', value: 2 }));
  const second = await answer('x1');
  socket.close();
  assert.deepEqual([second.type, second.code], ['reject', 'id_reused']);
});

test('after kill -9 and a restart on the same data folder: reconnect with backoff, resume, every version applied once and in order, offline commands acked', async () => {
  const room = 'crash';
  const observer = client(room, 'olga', 'Olga');
  const writer = client(room, 'walt', 'Walt');
  const applied = [];
  observer.on('event', (event) => applied.push(event.version));
  const statuses = [];
  observer.on('status', (s) => statuses.push(s));
  await observer.connect().whenJoined();
  await writer.connect().whenJoined();
  const start = statuses.find((s) => s.status === 'joined').version; // the welcome's

  const before = [];
  for (let i = 0; i < 10; i++) before.push(writer.set(`k${i}`, { i }));
  await Promise.all(before);

  const reconnecting = next(observer, 'reconnecting');
  await fixture.node.kill();
  const detail = await reconnecting;
  assert.ok(detail.attempt >= 1 && detail.delayMs >= 0 && detail.delayMs < 1000, JSON.stringify(detail));
  await waitFor(() => writer.status === 'reconnecting' || writer.status === 'connecting');
  const offline = [];
  for (let i = 10; i < 15; i++) offline.push(writer.set(`k${i}`, { i }));
  assert.equal(writer.pendingCommands, 5);
  assert.equal(writer.state.get('k14').pending, true);

  await fixture.node.start();
  const acks = await Promise.all(offline);
  const last = Math.max(...acks.map((a) => a.version));
  await waitFor(() => observer.version >= last, { message: `the observer at version ${last}`, timeoutMs: 20000 });

  const rejoin = statuses.filter((s) => s.status === 'joined').at(-1);
  assert.equal(rejoin.resumed, true, 'the observer resumed');
  const attempts = statuses.filter((s) => s.status === 'reconnecting').map((s) => s.attempt);
  assert.ok(attempts.length >= 2 && attempts.every((a, i) => a === i + 1), `backoff attempts ${attempts}`);
  for (let i = 1; i < applied.length; i++) assert.equal(applied[i], applied[i - 1] + 1, `versions ${applied}`);
  assert.equal(applied[0], start + 1);
  assert.equal(applied.at(-1), observer.version);

  const snapshot = await (await fetch(`${fixture.node.httpUrl}/v1/rooms/${room}`, { headers: readHeaders() })).json();
  await waitFor(() => observer.version >= snapshot.version, { message: 'the observer at the snapshot version' });
  for (let i = 0; i < 15; i++) {
    assert.deepEqual(observer.state.get(`k${i}`).value, { i });
    assert.equal(observer.state.get(`k${i}`).version, snapshot.state[`k${i}`].version);
  }
  observer.close();
  writer.close();
});

test('token refresh: a short-lived token is replaced before it expires, and the session goes on', async () => {
  // a node of its own that warns 3 s ahead of expiry; tokens live 5 s
  const own = await startNode({ env: { JAVA_TOOL_OPTIONS: '-Dparley.auth.refresh-ahead=3s' } });
  try {
    let minted = 0;
    const made = new ParleyClient({
      url: own.url,
      room: 'refresh',
      user: { id: 'rita', name: 'Rita' },
      token: async () => {
        minted++;
        return token('rita', 'Rita', { ttlSeconds: 5 });
      },
      reconnect: { baseMs: 100, capMs: 1000 },
    });
    fixture.track(made);
    const statuses = [];
    made.on('status', (s) => statuses.push(s.status));
    await made.connect().whenJoined();
    const firstExpiry = Date.parse(made.tokenExpiresAt);
    const refreshed = await next(made, 'permission');
    assert.ok(Date.parse(refreshed.tokenExpiresAt) > firstExpiry, 'a later expiry');
    await waitFor(() => Date.now() > firstExpiry + 1000, { timeoutMs: 10000, message: 'past the first expiry' });
    assert.equal(made.status, 'joined');
    assert.deepEqual(statuses.filter((s) => s === 'reconnecting'), [], 'never reconnected');
    assert.ok(minted >= 2);
    await made.set('still', true);
    made.close();
  } finally {
    await own.dispose();
  }
});

test('a graceful stop: the reconnect frame makes the client wait its retryAfterMs, then resume on the restarted node', async () => {
  const c = client('drain', 'dora', 'Dora');
  await c.connect().whenJoined();
  await c.set('before', 1);
  const reconnecting = next(c, 'reconnecting');
  await fixture.node.stop();
  const detail = await reconnecting;
  assert.equal(detail.reason, 'node_shutting_down');
  assert.ok(detail.delayMs >= 0 && detail.delayMs <= 1000, JSON.stringify(detail));
  await fixture.node.start();
  const joined = await next(c, 'joined');
  assert.equal(joined.resumed, true);
  const after = await c.set('after', 2);
  assert.ok(after.version > c.state.get('before').version);
  c.close();
});

const childScript = fileURLToPath(new URL('./fixtures/connect-and-close.mjs', import.meta.url));

function runChild(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process with a closed client did not exit by itself:\n${output}`));
    }, 20000);
    child.on('exit', (code) => {
      clearTimeout(limit);
      resolve({ code, output });
    });
  });
}

test('close() leaves nothing running: a Node process whose client joined and closed exits by itself', async () => {
  const { code, output } = await runChild(['joined', fixture.node.url, 'exit', token('exiter', 'Exiter') ?? '']);
  assert.equal(code, 0, output);
  assert.match(output, /closed closed closed/);
});

test('close() leaves nothing running: a Node process whose client was waiting to reconnect exits by itself', async () => {
  const { code, output } = await runChild(['reconnecting', `ws://127.0.0.1:${await freePort()}`, 'exit']);
  assert.equal(code, 0, output);
  assert.match(output, /closed closed closed/);
});

test('the node serves this SDK at /sdk/parley.js and /sdk/parley.d.ts', async () => {
  for (const file of ['parley.js', 'parley.d.ts']) {
    const response = await fetch(`${fixture.node.httpUrl}/sdk/${file}`);
    assert.equal(response.status, 200, file);
    const served = await response.text();
    const local = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    assert.ok(served === local, `the node serves another ${file} than sdk/${file}: is ${JAR} older than the SDK? (rebuild it)`);
  }
  const js = await fetch(`${fixture.node.httpUrl}/sdk/parley.js`);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
});
