// Two clients in one room, talking through a running Parley node.
// Run: node --experimental-websocket docs/examples/two-clients.mjs [ws://127.0.0.1:8080] [room]
// (Node 22 and later need no flag.)
const base = process.argv[2] ?? 'ws://127.0.0.1:8080';
const room = process.argv[3] ?? 'demo';

function open(name) {
  const ws = new WebSocket(`${base}/v1/rooms/${room}/ws`);
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
  return new Promise((resolve) => (ws.onopen = () => resolve({ ws, send, next })));
}

const ann = await open('ann');
ann.send({ type: 'hello', userId: 'ann', name: 'Ann' });
await ann.next('welcome');
const bob = await open('bob');
bob.send({ type: 'hello', userId: 'bob', name: 'Bob', color: '#1e90ff' });
await bob.next('welcome');

ann.send({ type: 'set', id: 'c1', key: 'title', value: { text: 'Plan' } });
await ann.next('ack');
bob.send({ type: 'ready', id: 'r1', ready: true });
await bob.next('ack');
bob.send({ type: 'focus', id: 'f1', document: { id: 'doc-1', type: 'canvas' } });
await bob.next('ack');
bob.send({ type: 'cursor', x: 10, y: 20 });
ann.send({ type: 'chat', id: 'm1', text: 'hello Bob' });
await ann.next('ack');
await ann.next('cursors');

ann.ws.close();
bob.ws.close();
