// Two clients in one room, talking through a running Parley node (started with bin/parley, in
// development mode: each client gets its token from the node's development-only endpoint).
// Run: node --experimental-websocket docs/examples/two-clients.mjs [ws://127.0.0.1:8080] [room]
// (Node 22 and later need no flag.)
import { mintToken } from './mint-token.mjs';

const base = process.argv[2] ?? 'ws://127.0.0.1:8080';
const room = process.argv[3] ?? 'demo';
// Command ids must be fresh: the room answers a reused id with its first answer, or rejects it.
const run = Date.now().toString(36);
const id = (name) => `${name}-${run}`;

// DEVELOPMENT ONLY: a real app gets its token from its own backend (docs/AUTHENTICATION.md).
// With PARLEY_AUTH_HS256_SECRET set (a node in production mode, e.g. the k8s demo), the token is
// minted here with that secret instead.
async function token(userId, name) {
  if (process.env.PARLEY_AUTH_HS256_SECRET) {
    return mintToken(process.env.PARLEY_AUTH_HS256_SECRET, userId, name);
  }
  const url = `${base.replace(/^ws/, 'http')}/v1/dev/token?userId=${userId}&name=${encodeURIComponent(name)}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`no development token: ${response.status} ${await response.text()}`);
  return (await response.json()).token;
}

async function open(userId, name) {
  const ws = new WebSocket(`${base}/v1/rooms/${room}/ws?access_token=${await token(userId, name)}`);
  const frames = [];
  ws.onmessage = (message) => {
    const frame = JSON.parse(message.data);
    frames.push(frame);
    console.log(`${name} <- ${message.data}`);
  };
  const next = (type) =>
    new Promise((resolve) => {
      const check = () => {
        const i = frames.findIndex((f) => f.type === type);
        if (i >= 0) resolve(frames.splice(i, 1)[0]);
        else setTimeout(check, 20);
      };
      check();
    });
  const send = (frame) => {
    console.log(`${name} -> ${JSON.stringify(frame)}`);
    ws.send(JSON.stringify(frame));
  };
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve({ ws, send, next });
    ws.onerror = () => reject(new Error(`${userId} could not connect to ${base}`));
  });
}

// The token says who each client is: the hello only joins (and may add a colour).
const ann = await open('ann', 'Ann');
ann.send({ type: 'hello' });
await ann.next('welcome');
const bob = await open('bob', 'Bob');
bob.send({ type: 'hello', color: '#1e90ff' });
await bob.next('welcome');

ann.send({ type: 'set', id: id('c1'), key: 'title', value: { text: 'Plan' } });
await ann.next('ack');
bob.send({ type: 'ready', id: id('r1'), ready: true });
await bob.next('ack');
bob.send({ type: 'focus', id: id('f1'), document: { id: 'doc-1', type: 'canvas' } });
await bob.next('ack');
bob.send({ type: 'cursor', x: 10, y: 20 });
ann.send({ type: 'chat', id: id('m1'), text: 'hello Bob' });
await ann.next('ack');
await ann.next('cursors');

ann.ws.close();
bob.ws.close();
