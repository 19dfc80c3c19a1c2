// A versioned snapshot plus a live stream over server-sent events: a read-only mirror of a room
// for a client that does not need a WebSocket (a dashboard, a backend, a bot).
//
// 1. GET /v1/rooms/{room}          the snapshot, with its version N
// 2. GET /v1/rooms/{room}/events   with Last-Event-ID: N: the events after N, live
// 3. when the stream ends (the node restarts or drains, the network drops, the token expires),
//    open it again with Last-Event-ID: <the last version applied>: no gap, no duplicate.
//
// Node has no EventSource, so this file reads the stream with fetch and parses it itself
// (readEvents below, the text/event-stream format in 40 lines). Like a browser's EventSource
// it sends the token as ?access_token= (EventSource cannot set headers); from a backend an
// Authorization header works too (`tokenIn: 'header'`). In a browser:
//   const events = new EventSource(`/v1/rooms/${room}/events?access_token=${token}`);
//   events.addEventListener('snapshot', (e) => …); events.addEventListener('event', (e) => …);
//
// Run (against bin/parley): node --experimental-websocket examples/snapshot-sse/sse.mjs
// (the writer uses the WebSocket SDK; the mirror itself needs only fetch)
import { join, freshRoom, until, isMain, runMain } from '../shared/parley.mjs';

/** Parses a text/event-stream body into {event, id, data} messages (comments skipped). */
export async function* readEvents(body, decoder = new TextDecoder()) {
  let buffer = '';
  let message = { event: 'message', data: [], id: undefined };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      if (buffer[end] === '\r' && end === buffer.length - 1) break; // a \r\n may be split across chunks
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (message.data.length) yield { event: message.event, id: message.id, data: message.data.join('\n') };
        message = { event: 'message', data: [], id: undefined };
        continue;
      }
      if (line.startsWith(':')) continue; // a comment: the server's heartbeat
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') message.event = value;
      else if (field === 'data') message.data.push(value);
      else if (field === 'id') message.id = value;
    }
  }
}

/** A room as snapshot + events: applies each version once and in order. */
export class VersionedRoom {
  version = null;
  state = new Map(); // key -> {value, version}
  members = new Map(); // userId -> {name, status, ready, document, sessions}
  chat = [];

  applySnapshot(snapshot) {
    this.version = snapshot.version;
    this.state = new Map(Object.entries(snapshot.state ?? {}).map(([key, entry]) => [key, { value: entry.value, version: entry.version }]));
    this.members = new Map((snapshot.members ?? []).map((m) => [m.userId, { name: m.name, status: m.status, ready: m.ready, document: m.document, sessions: m.sessions }]));
    this.chat = [...(snapshot.chat ?? [])];
  }

  /** 'applied', 'duplicate' (at or below the version), or 'gap' (not the next version: not applied). */
  apply(event) {
    if (this.version === null) throw new Error('no snapshot yet');
    if (event.version <= this.version) return 'duplicate';
    if (event.version !== this.version + 1) return 'gap';
    this.version = event.version;
    const member = this.members.get(event.userId);
    switch (event.kind) {
      case 'member.joined':
        this.members.set(event.userId, { name: event.name, status: 'online', ready: false, document: null, sessions: 1 });
        break;
      case 'session.opened':
        this.members.set(event.userId, { ...(member ?? { ready: false, document: null, sessions: 0 }), name: event.name, status: 'online', sessions: (member?.sessions ?? 0) + 1 });
        break;
      case 'session.closed':
        if (member) member.sessions = Math.max(0, member.sessions - 1);
        break;
      case 'member.away':
        if (member) Object.assign(member, { status: 'away', sessions: 0 });
        break;
      case 'member.left':
        this.members.delete(event.userId);
        break;
      case 'member.ready':
        if (member) member.ready = event.ready;
        break;
      case 'member.focused':
        if (member) member.document = event.document;
        break;
      case 'state.changed':
        for (const op of event.ops) {
          if (op.op === 'set') this.state.set(op.key, { value: op.value, version: event.version });
          else this.state.delete(op.key);
        }
        break;
      case 'chat.posted':
        this.chat.push(event.message);
        break;
      default:
        break; // a kind of a newer server: the version still counts
    }
    return 'applied';
  }

  /** {key: value} */
  values() {
    return Object.fromEntries([...this.state].map(([key, entry]) => [key, entry.value]));
  }
}

/**
 * A read-only mirror of a room: the REST snapshot, then the SSE stream from its version, resumed
 * with Last-Event-ID whenever it ends. `token()` is asked for a token before every request (a new
 * one after the last expired). `onEvent(event, outcome)` sees every event of the stream.
 */
export class RoomMirror {
  room = new VersionedRoom();
  streams = 0; // how many times the stream was opened
  #options;
  #abort = null;
  #stopped = false;
  #running = null;

  constructor({ httpUrl, roomId, token, tokenIn = 'query', onEvent = () => {}, retryMs = 250 }) {
    this.#options = { httpUrl, roomId, token, tokenIn, onEvent, retryMs };
  }

  async #request(path, headers = {}) {
    const { httpUrl, roomId, token, tokenIn } = this.#options;
    const value = await token();
    const url = new URL(`${httpUrl}/v1/rooms/${encodeURIComponent(roomId)}${path}`);
    if (tokenIn === 'query') url.searchParams.set('access_token', value);
    else headers.Authorization = `Bearer ${value}`;
    this.#abort = new AbortController();
    return fetch(url, { headers, signal: this.#abort.signal });
  }

  /** Loads the snapshot and starts following the stream; resolves once the snapshot is applied. */
  async start() {
    const response = await this.#request('');
    if (!response.ok) throw new Error(`GET /v1/rooms/${this.#options.roomId} answered ${response.status}`);
    this.room.applySnapshot(await response.json());
    this.#running = this.#follow();
    return this;
  }

  /** Cuts the current stream (as a network drop would); the mirror reconnects and resumes. */
  drop() {
    this.#abort?.abort();
  }

  async stop() {
    this.#stopped = true;
    this.#abort?.abort();
    await this.#running;
  }

  async #follow() {
    while (!this.#stopped) {
      try {
        const response = await this.#request('/events', { 'Last-Event-ID': String(this.room.version), Accept: 'text/event-stream' });
        if (response.status === 400) throw Object.assign(new Error(`the stream was refused: ${await response.text()}`), { fatal: true });
        if (response.ok) {
          this.streams++;
          for await (const message of readEvents(response.body)) this.#onMessage(message);
        }
        // the stream ended (node drained or restarted, token expired) or was refused for now
      } catch (error) {
        if (error.fatal) throw error;
        // aborted, or the network failed: try again
      }
      if (!this.#stopped) await new Promise((resolve) => setTimeout(resolve, this.#options.retryMs));
    }
  }

  #onMessage({ event, data }) {
    if (event === 'snapshot') {
      // too far behind to resume: the stream starts again with a snapshot
      this.room.applySnapshot(JSON.parse(data));
      this.#options.onEvent({ kind: 'snapshot', version: this.room.version }, 'snapshot');
    } else if (event === 'event') {
      const payload = JSON.parse(data);
      const outcome = this.room.apply(payload);
      this.#options.onEvent(payload, outcome);
      if (outcome === 'gap') this.drop(); // never apply out of order: resume from what was applied
    }
  }
}

export async function scenario({ httpUrl, tokens, log, room = freshRoom('mirror') }) {
  const writer = await join({ httpUrl, tokens, room, userId: 'wendy', name: 'Wendy' });
  await writer.set('counter', 0);
  await writer.chat('the mirror will see this in its snapshot');
  const applied = [];
  const mirror = new RoomMirror({
    httpUrl,
    roomId: room,
    token: () => tokens('mirror', 'Mirror', { rooms: `${room}:read` }), // a read-only token is enough
    onEvent: (event, outcome) => {
      if (outcome === 'applied') applied.push(event.version);
      log(`  mirror: v${event.version} ${event.kind} ${outcome}`);
    },
  });
  await mirror.start();
  log(`room "${room}": snapshot at version ${mirror.room.version}: ${JSON.stringify(mirror.room.values())}, ${mirror.room.chat.length} chat message(s)`);

  for (let i = 1; i <= 3; i++) await writer.set('counter', i);
  await until(() => mirror.room.version === writer.version, { what: 'the mirror to catch up' });

  log('the stream is cut; Wendy goes on writing meanwhile');
  mirror.drop();
  for (let i = 4; i <= 6; i++) await writer.set('counter', i);
  await writer.chat('written while the mirror was away');
  await until(() => mirror.room.version === writer.version, { what: 'the mirror to resume' });
  log(`resumed with Last-Event-ID: version ${mirror.room.version}, ${JSON.stringify(mirror.room.values())}, streams opened: ${mirror.streams}`);
  await mirror.stop();
  writer.close();
  return { mirror, applied, writerVersion: writer.version, writerState: Object.fromEntries([...writer.state].map(([k, e]) => [k, e.value])) };
}

if (isMain(import.meta.url)) runMain(scenario);
