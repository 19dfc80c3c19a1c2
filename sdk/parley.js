// @parley/client — the JavaScript client of Parley (protocol v1, docs/PROTOCOL.md).
// A dependency-free ES module for browsers and Node. See README.md.

/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = 1;

const ROOM_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;
const MAX_FRAME_BYTES = 64 * 1024;
const OPEN = 1;

const DEFAULTS = Object.freeze({
  reconnect: Object.freeze({ baseMs: 500, capMs: 30000, maxAttempts: Infinity, stableAfterMs: 5000 }),
  queueSize: 100,
  cursorsPerSecond: 20,
  chatHistory: 200,
  commandRetries: 5,
  connectTimeoutMs: 15000,
  maxValueDepth: 16,
});

// answers after which the command is sent again, same id and same content, by the client itself
const RETRIED_REJECTS = new Set(['rate_limited', 'overloaded', 'timeout']);
// error codes after which the server closes the connection; the client reconnects (and resumes)
const CLOSING_ERRORS = new Set([
  'join_refused',
  'slow_consumer',
  'catch_up_failed',
  'idle_timeout',
  'policy_violation',
  'token_expired',
  'identity_mismatch',
  'kicked',
  'room_closed',
]);
// of those, the ones after which reconnecting would only be refused again or undo an
// administrator's decision: the client fails instead (status `failed`, the code says why)
const FINAL_ERRORS = new Set(['identity_mismatch', 'kicked', 'room_closed']);
// a room is private until its snapshot or a `room.visibility` event says otherwise
const PRIVATE = Object.freeze({ public: false, title: null });

/**
 * A command's `reject` (or an `error` naming it), a refused join, or a failure of the client
 * itself. `code` is the wire code (`conflict`, `rate_limited`, …) or one of the client's own
 * (`queue_full`, `closed`, `failed`, `frame_too_large`, `invalid_argument`).
 */
export class ParleyError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'ParleyError';
    this.code = code;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.field !== undefined) this.field = details.field;
    if (details.id !== undefined) this.id = details.id;
    if (details.status !== undefined) this.status = details.status;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/**
 * Full-jitter exponential backoff: a delay drawn uniformly in [0, min(capMs, baseMs · 2^(attempt-1))).
 * `attempt` counts from 1.
 */
export function backoffDelay(attempt, { baseMs = 500, capMs = 30000 } = {}, random = Math.random) {
  const exponent = Math.min(Math.max(0, attempt - 1), 52);
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/** A read-only view of one of the client's maps (members, state, cursors). */
class ReadonlyMapView {
  #source;
  constructor(source) {
    this.#source = source;
  }
  get size() {
    return this.#source().size;
  }
  get(key) {
    return this.#source().get(key);
  }
  has(key) {
    return this.#source().has(key);
  }
  keys() {
    return this.#source().keys();
  }
  values() {
    return this.#source().values();
  }
  entries() {
    return this.#source().entries();
  }
  forEach(callback, thisArg) {
    for (const [key, value] of this.#source()) callback.call(thisArg, value, key, this);
  }
  [Symbol.iterator]() {
    return this.#source().entries();
  }
  get [Symbol.toStringTag]() {
    return 'ReadonlyMap';
  }
}

function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}

function sameJson(a, b) {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Containers enclosing the deepest value, as the server counts them (`[1]` is 1). */
function containerDepth(value) {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, containerDepth(child));
  return deepest + 1;
}

function utf8Length(text) {
  if (text.length * 3 <= MAX_FRAME_BYTES) return text.length; // cannot be over the limit
  return new TextEncoder().encode(text).length;
}

function randomPrefix(random) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(8);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  // first character a letter: ids start with a letter or digit; a letter reads better in logs
  let prefix = alphabet[bytes[0] % 26];
  for (let i = 1; i < bytes.length; i++) prefix += alphabet[bytes[i] % 36];
  return prefix;
}

function baseUrl(url, caller = 'ParleyClient') {
  let base = url;
  if (base === undefined && globalThis.location?.host) {
    base = `${globalThis.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${globalThis.location.host}`;
  }
  if (typeof base !== 'string' || base === '') {
    throw new TypeError(`${caller}: \`url\` is required outside a browser page (e.g. "ws://127.0.0.1:8080")`);
  }
  base = base.replace(/\/+$/, '');
  if (base.startsWith('https://')) base = 'wss://' + base.slice(8);
  else if (base.startsWith('http://')) base = 'ws://' + base.slice(7);
  if (!/^wss?:\/\//.test(base)) throw new TypeError(`${caller}: url must be ws(s):// or http(s)://, not ${url}`);
  return base;
}

/** The REST side of a server URL: the WebSocket base with http(s) for ws(s). */
function httpBase(url, caller) {
  return baseUrl(url, caller).replace(/^ws/, 'http');
}

function visibilityOf(value) {
  if (value?.public !== true) return PRIVATE;
  return Object.freeze({ public: true, title: typeof value.title === 'string' ? value.title : null });
}

/**
 * One page of the public rooms: `GET /v1/rooms?public=true`, sorted by room id. `next` is the
 * `after` of the following page (null on the last one). The registry is eventually consistent:
 * a room made public or private shows so here a moment (typically a second or two) later.
 */
export async function publicRooms({ url, token, limit, after, fetch: fetchImpl = globalThis.fetch, signal } = {}) {
  const base = httpBase(url, 'publicRooms');
  if (typeof fetchImpl !== 'function') throw new TypeError('publicRooms: no fetch: pass the `fetch` option');
  const query = new URLSearchParams({ public: 'true' });
  if (limit !== undefined) query.set('limit', String(limit));
  if (after !== undefined && after !== null) query.set('after', String(after));
  let value;
  try {
    value = typeof token === 'function' ? await token() : token;
  } catch (cause) {
    throw new ParleyError('token_provider', `the token provider failed: ${cause?.message ?? cause}`, { cause });
  }
  // the same token a connection uses; any valid one may read the list
  const headers = typeof value === 'string' && value !== '' ? { Authorization: `Bearer ${value}` } : {};
  let response;
  try {
    response = await fetchImpl(`${base}/v1/rooms?${query}`, { headers, signal });
  } catch (cause) {
    if (cause?.name === 'AbortError') throw cause;
    throw new ParleyError('network', `GET /v1/rooms?public=true failed: ${cause?.message ?? cause}`, { cause });
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // an answer that is not JSON (a proxy's error page): judged by its status below
  }
  if (!response.ok) {
    throw new ParleyError(body?.code ?? `http_${response.status}`, body?.message ?? `GET /v1/rooms?public=true answered ${response.status}`, {
      status: response.status,
      ...(typeof body?.field === 'string' ? { field: body.field } : {}),
    });
  }
  if (!Array.isArray(body?.rooms)) {
    throw new ParleyError('bad_response', 'GET /v1/rooms?public=true answered without a list of rooms', { status: response.status });
  }
  return deepFreeze({ rooms: body.rooms, next: typeof body.next === 'string' ? body.next : null });
}

/** "retry in 1000 ms" in a message, for the answers that carry the hint only in their text. */
function retryHintIn(message) {
  const match = /retry in (\d+) ?ms/.exec(message ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * A client of one Parley room. Create it, subscribe to its events, call `connect()`; `close()`
 * releases everything. See README.md.
 */
export class ParleyClient {
  // ---- configuration
  #options;
  #url;
  #base;
  #WebSocket;
  #random;
  #reconnect;
  #idPrefix;
  #counter = 0;

  // ---- connection
  #status = 'idle';
  #generation = 0; // bumped by every new attempt and by close(): stale callbacks check it
  #socket = null;
  #opened = false;
  #attempt = 0;
  #hint = null; // what the last frame said about the next reconnect: {delayMs, exact, reason}
  #fatal = null; // a refusal that retrying cannot cure
  #joinedAt = 0;
  #resumeDisabled = false;
  #heartbeat = { intervalMs: 15000, idleTimeoutMs: 45000 };
  #lastSent = 0;
  #lastReceived = 0;
  #refreshing = false;
  #timers = { reconnect: null, heartbeat: null, connect: null, flush: null, cursor: null };

  // ---- the room as this client knows it
  #version = null; // last applied version; null before the first welcome
  #sessionId = null;
  #permission = undefined;
  #tokenExpiresAt = undefined;
  #members = new Map();
  #confirmed = new Map(); // key -> entry, as the server ordered it
  #visible = new Map(); // key -> entry, with this client's unanswered changes on top
  #chat = Object.freeze([]);
  #cursors = new Map(); // sessionId -> cursor
  #visibility = PRIVATE;

  // ---- commands and cursors going out
  #pending = new Map(); // id -> command, in the order they were made
  #holdUntil = 0;
  #cursorLatest = null;
  #cursorSentAt = -Infinity;

  #listeners = new Map();
  #snapshot = null;

  #membersView = new ReadonlyMapView(() => this.#members);
  #stateView = new ReadonlyMapView(() => this.#visible);
  #cursorsView = new ReadonlyMapView(() => this.#cursors);

  constructor(options = {}) {
    const { room, user } = options;
    if (typeof room !== 'string' || !ROOM_ID.test(room)) {
      throw new TypeError('ParleyClient: `room` must be 1-64 letters, digits or . _ : @ - starting with a letter or digit');
    }
    if (!user || typeof user.id !== 'string' || typeof user.name !== 'string') {
      throw new TypeError('ParleyClient: `user` must be {id, name, color?}');
    }
    if (options.token !== undefined && typeof options.token !== 'function') {
      throw new TypeError('ParleyClient: `token` must be a function returning the token (or a promise of it)');
    }
    this.#base = baseUrl(options.url);
    this.#url = `${this.#base}/v1/rooms/${room}/ws`;
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.#random = options.random ?? Math.random;
    this.#reconnect = { ...DEFAULTS.reconnect, ...(options.reconnect ?? {}) };
    this.#options = {
      room,
      user: { id: user.id, name: user.name, ...(user.color ? { color: user.color } : {}) },
      token: options.token,
      queueSize: options.queueSize ?? DEFAULTS.queueSize,
      cursorIntervalMs: 1000 / (options.cursorsPerSecond ?? DEFAULTS.cursorsPerSecond),
      chatHistory: options.chatHistory ?? DEFAULTS.chatHistory,
      commandRetries: options.commandRetries ?? DEFAULTS.commandRetries,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      maxValueDepth: options.maxValueDepth ?? DEFAULTS.maxValueDepth,
    };
    this.#idPrefix = `${randomPrefix(this.#random)}-`;
  }

  // ================================================================= public: read-only view

  /** `idle`, `connecting`, `open`, `joined`, `reconnecting`, `closed` or `failed`. */
  get status() {
    return this.#status;
  }
  /** The last room version applied (null before the first `welcome`). */
  get version() {
    return this.#version;
  }
  get room() {
    return this.#options.room;
  }
  get userId() {
    return this.#options.user.id;
  }
  get sessionId() {
    return this.#sessionId;
  }
  /** `read`, `write` or `admin` when the server says so (`welcome`, `refreshed`). */
  get permission() {
    return this.#permission;
  }
  get tokenExpiresAt() {
    return this.#tokenExpiresAt;
  }
  /** Members by user id (frozen objects, replaced when they change). */
  get members() {
    return this.#membersView;
  }
  /** State entries by key: `{value, version, updatedBy, updatedAt, pending}`, this client's unanswered changes included. */
  get state() {
    return this.#stateView;
  }
  /** The recent chat messages, oldest first (a frozen array, replaced when a message arrives). */
  get messages() {
    return this.#chat;
  }
  /** The latest cursor of each other session, by session id. */
  get cursors() {
    return this.#cursorsView;
  }
  /** Whether the room is listed in the public rooms, and under which title: `{public, title}` (frozen). */
  get visibility() {
    return this.#visibility;
  }
  /** Commands not answered yet (sent or waiting to be sent). */
  get pendingCommands() {
    return this.#pending.size;
  }
  /** The version that last wrote `key` as the server ordered it (0: absent), for `expect`. */
  versionOf(key) {
    return this.#confirmed.get(key)?.version ?? 0;
  }
  /**
   * An immutable picture of the client ({status, version, members, state, messages, visibility}), the same
   * object until something changes: for React's `useSyncExternalStore(client.subscribe, client.getSnapshot)`.
   */
  getSnapshot = () => {
    if (this.#snapshot === null) {
      this.#snapshot = Object.freeze({
        status: this.#status,
        version: this.#version,
        members: Object.freeze([...this.#members.values()]),
        state: Object.freeze(Object.fromEntries(this.#visible)),
        messages: this.#chat,
        visibility: this.#visibility,
      });
    }
    return this.#snapshot;
  };
  /** Calls `listener` after every change of the view or status; returns the unsubscribe function. */
  subscribe = (listener) => this.on('change', listener);

  // ================================================================= public: events

  /** Adds a listener; returns a function that removes it. */
  on(type, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => this.off(type, listener);
  }
  off(type, listener) {
    this.#listeners.get(type)?.delete(listener);
  }
  once(type, listener) {
    const off = this.on(type, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  // ================================================================= public: lifecycle

  /**
   * Starts connecting (and keeps reconnecting) unless it already does: calling it again, or
   * `connect(); close(); connect()` in one tick (React StrictMode), leaves one socket.
   */
  connect() {
    if (this.#status === 'idle' || this.#status === 'closed' || this.#status === 'failed') {
      this.#attempt = 0;
      this.#startAttempt();
    }
    return this;
  }

  /**
   * Stops: sends `leave` when joined (others see the member leave now; `{leave: false}` lets it
   * go away for the grace period instead), closes the socket, clears every timer, and rejects
   * the commands not answered yet (code `closed`). `connect()` starts again, resuming.
   */
  close({ leave = true } = {}) {
    if (this.#status === 'closed') return;
    this.#generation++;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      if (leave && this.#status === 'joined') this.#sendOn(socket, '{"type":"leave"}');
      this.#release(socket);
    }
    this.#stopTimers();
    this.#cursorLatest = null;
    this.#hint = null;
    this.#fatal = null;
    this.#joinedAt = 0;
    this.#rejectAll(new ParleyError('closed', 'the client was closed before the command was answered'));
    this.#setStatus('closed', { reason: 'client' });
  }

  /** `close({leave: false})`. */
  disconnect() {
    this.close({ leave: false });
  }

  /**
   * Reconnects now, resuming. While waiting to reconnect it tries at once (the browser's `online`
   * event). While connecting or connected it first drops the connection, for one the app knows is
   * dead before the heartbeat can tell (the browser's `offline` event: the socket stays open but
   * carries nothing). Unanswered commands are kept and sent again after the join, as after any
   * lost connection. Does nothing when idle, closed or failed.
   */
  reconnectNow() {
    if (this.#status === 'reconnecting') {
      this.#clearTimer('reconnect');
      this.#startAttempt();
    } else if (this.#status === 'connecting' || this.#status === 'open' || this.#status === 'joined') {
      const socket = this.#socket;
      this.#socket = null;
      if (socket) this.#release(socket);
      this.#stopConnectionTimers();
      for (const command of this.#pending.values()) command.sent = false;
      this.#hint = null;
      if (this.#status === 'joined') this.#attempt = 0;
      this.#joinedAt = 0;
      this.#startAttempt();
    }
  }

  /** Resolves when joined (at once if it is), rejects if the client is (or gets) closed or failed first. */
  whenJoined() {
    if (this.#status === 'joined') return Promise.resolve(this);
    if (this.#status === 'closed' || this.#status === 'failed') {
      return Promise.reject(new ParleyError(this.#status, `the client is ${this.#status}; call connect() first`));
    }
    return new Promise((resolve, reject) => {
      const off = this.on('status', ({ status, reason, message }) => {
        if (status === 'joined') {
          off();
          resolve(this);
        } else if (status === 'closed' || status === 'failed') {
          off();
          reject(new ParleyError(status, message ?? `the client ${status} (${reason}) before it joined`));
        }
      });
    });
  }

  // ================================================================= public: commands

  /** Sets `key` to `value` (optimistically); `{expect}`: the version that must have last written it (0: absent). */
  set(key, value, { expect } = {}) {
    return this.#command('set', { key, value, ...(expect !== undefined ? { expect } : {}) }, [
      { op: 'set', key, value },
    ]);
  }
  /** Deletes `key` (optimistically); `{expect}` as for `set`. */
  delete(key, { expect } = {}) {
    return this.#command('delete', { key, ...(expect !== undefined ? { expect } : {}) }, [{ op: 'delete', key }]);
  }
  /** Several `{op: 'set'|'delete', key, value?, expect?}` applied all or nothing under one version. */
  batch(ops) {
    if (!Array.isArray(ops)) return Promise.reject(new ParleyError('invalid_argument', 'batch takes an array of ops'));
    return this.#command('batch', { ops }, ops);
  }
  ready(ready) {
    return this.#command('ready', { ready: Boolean(ready) }, null);
  }
  /** Declares the document looked at, `{id, type}`, or null. */
  focus(document) {
    return this.#command('focus', { document: document ?? null }, null);
  }
  /** Posts a chat message; the message id is the command id (in the resolved answer). */
  chat(text) {
    return this.#command('chat', { text }, null);
  }
  /**
   * Lists the room among the public rooms under `title` (`{public: true, title}`), or takes it
   * off (`{public: false}`); needs write permission. Not optimistic: the server checks the title,
   * and `visibility` changes with the room's event, which arrives before the ack.
   */
  setVisibility({ public: listed, title } = {}) {
    if (typeof listed !== 'boolean') {
      return Promise.reject(new ParleyError('invalid_argument', 'setVisibility: `public` must be true or false'));
    }
    return this.#command('visibility', { public: listed, ...(title !== undefined ? { title } : {}) }, null);
  }

  /** One page of the public rooms of this client's server, read with this client's token: see `publicRooms()`. */
  publicRooms({ limit, after, fetch, signal } = {}) {
    return publicRooms({ url: this.#base, token: this.#options.token, limit, after, fetch, signal });
  }

  /** Moves this session's cursor. Never queued: the latest position is sent, at most `cursorsPerSecond`. */
  cursor(x, y, document) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new TypeError('cursor: x and y must be finite numbers');
    this.#cursorLatest = document === undefined ? { x, y } : { x, y, document };
    this.#pumpCursor();
  }

  // ================================================================= connecting

  #startAttempt() {
    const generation = ++this.#generation;
    this.#setStatus('connecting', { attempt: this.#attempt });
    // the socket is made a microtask later (or once the token is there): a close() in the
    // same tick (React StrictMode's mount, unmount, mount) means it is never made at all
    this.#open(generation);
  }

  async #open(generation) {
    let token;
    try {
      token = this.#options.token ? await this.#options.token() : await undefined;
    } catch (cause) {
      if (generation !== this.#generation) return;
      this.#emit('error', new ParleyError('token_provider', `the token provider failed: ${cause?.message ?? cause}`, { cause }));
      this.#scheduleReconnect({ reason: 'token_provider' });
      return;
    }
    if (generation !== this.#generation) return;
    if (this.#options.token && (typeof token !== 'string' || token === '')) {
      this.#emit('error', new ParleyError('token_provider', 'the token provider returned no token'));
      this.#scheduleReconnect({ reason: 'token_provider' });
      return;
    }
    const url = token === undefined ? this.#url : `${this.#url}?access_token=${encodeURIComponent(token)}`;
    const WebSocketClass = this.#WebSocket;
    if (typeof WebSocketClass !== 'function') {
      this.#fail({
        reason: 'no_websocket',
        message: 'no WebSocket: pass the `WebSocket` option (Node 20: run with --experimental-websocket, or use the ws package)',
      });
      return;
    }
    let socket;
    try {
      socket = new WebSocketClass(url);
    } catch (cause) {
      this.#fail({ reason: 'invalid_url', message: `the WebSocket could not be created: ${cause?.message ?? cause}` });
      return;
    }
    this.#socket = socket;
    this.#opened = false;
    this.#setTimer('connect', this.#options.connectTimeoutMs, () => this.#drop(socket, { reason: 'connect_timeout' }));
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      this.#opened = true;
      this.#lastReceived = Date.now();
      this.#setStatus('open', {});
      const hello = { type: 'hello', userId: this.#options.user.id, name: this.#options.user.name };
      if (this.#options.user.color) hello.color = this.#options.user.color;
      if (this.#version !== null && !this.#resumeDisabled) hello.resume = { version: this.#version };
      this.#sendOn(socket, JSON.stringify(hello));
    };
    socket.onmessage = (message) => {
      if (socket === this.#socket) this.#onFrame(message.data);
    };
    // a failed handshake (HTTP 401/403/429/503 look the same to a browser) fires error, then
    // close 1006; some implementations (Node 20's) fire no close after it: end it at the error
    socket.onerror = () => {
      if (socket === this.#socket && !this.#opened) this.#ended(socket, { reason: 'connect_failed', closeCode: 1006 });
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#ended(socket, { reason: 'socket_closed', closeCode: event?.code });
    };
  }

  /** Closes the socket on the client's initiative, then goes on as if the server had closed it. */
  #drop(socket, detail) {
    if (socket && socket === this.#socket) this.#ended(socket, detail);
  }

  #ended(socket, detail) {
    this.#socket = null;
    this.#release(socket);
    this.#stopConnectionTimers();
    for (const command of this.#pending.values()) command.sent = false;
    if (this.#fatal) {
      const fatal = this.#fatal;
      this.#fatal = null;
      this.#fail(fatal);
      return;
    }
    this.#scheduleReconnect(detail);
  }

  #scheduleReconnect(detail) {
    const generation = ++this.#generation;
    const hint = this.#hint;
    this.#hint = null;
    const now = Date.now();
    if (this.#joinedAt && now - this.#joinedAt >= this.#reconnect.stableAfterMs) this.#attempt = 0;
    this.#joinedAt = 0;
    let delayMs;
    if (hint?.exact) {
      // the server's own spread (reconnect frame): not a failure
      this.#attempt = 1;
      delayMs = hint.delayMs;
    } else {
      this.#attempt++;
      if (this.#attempt > this.#reconnect.maxAttempts) {
        this.#fail({
          reason: 'max_attempts',
          code: hint?.code ?? detail.code ?? 'max_attempts',
          message: `gave up after ${this.#reconnect.maxAttempts} attempts to reconnect (last: ${hint?.reason ?? detail.reason})`,
        });
        return;
      }
      delayMs = Math.max(hint?.delayMs ?? 0, backoffDelay(this.#attempt, this.#reconnect, this.#random));
    }
    // the timer first: a listener of the status may close the client, which clears it
    this.#setTimer('reconnect', delayMs, () => {
      if (generation === this.#generation) this.#startAttempt();
    });
    const code = hint?.code ?? detail.code;
    this.#setStatus('reconnecting', {
      attempt: this.#attempt,
      delayMs,
      reason: hint?.reason ?? detail.reason,
      ...(code !== undefined ? { code } : {}),
      ...(detail.closeCode !== undefined ? { closeCode: detail.closeCode } : {}),
    });
  }

  #fail({ reason, code, message }) {
    this.#generation++;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) this.#release(socket);
    this.#stopTimers();
    this.#rejectAll(new ParleyError(code ?? 'failed', message ?? reason));
    this.#setStatus('failed', { reason, ...(code !== undefined ? { code } : {}), message, attempts: this.#attempt });
  }

  #release(socket) {
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    // Node 20's WebSocket reports errors of a socket closed while connecting: swallow them
    socket.onerror = () => {};
    try {
      if (socket.readyState === 0 || socket.readyState === OPEN) socket.close(1000);
    } catch {
      // already closing
    }
  }

  // ================================================================= frames in

  #onFrame(data) {
    if (typeof data !== 'string') return;
    this.#lastReceived = Date.now();
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      this.#emit('error', new ParleyError('bad_frame', 'the server sent a frame that is not JSON'));
      return;
    }
    if (frame === null || typeof frame !== 'object') return;
    switch (frame.type) {
      case 'welcome':
        return this.#onWelcome(frame);
      case 'event':
        return this.#onEvent(frame);
      case 'ack':
        return this.#onAck(frame);
      case 'reject':
        return this.#onReject(frame);
      case 'error':
        return this.#onError(frame);
      case 'cursors':
        return this.#onCursors(frame);
      case 'reconnect':
        this.#hint = { delayMs: Math.max(0, Number(frame.retryAfterMs) || 0), exact: true, reason: frame.reason ?? 'reconnect' };
        // the last frame of the connection: everything queued before it has arrived
        return this.#drop(this.#socket, { reason: frame.reason ?? 'reconnect' });
      case 'token_expiring':
        return this.#refreshToken();
      case 'refreshed':
        this.#permission = frame.permission;
        this.#tokenExpiresAt = frame.tokenExpiresAt;
        this.#emit('permission', { permission: frame.permission, tokenExpiresAt: frame.tokenExpiresAt });
        return;
      default:
        return; // pong, and frames of newer servers
    }
  }

  #onWelcome(frame) {
    const socket = this.#socket;
    this.#clearTimer('connect');
    if (frame.resumed === true) {
      if (this.#version === null || frame.version !== this.#version) {
        // not where this client is: take a snapshot instead
        this.#resumeDisabled = true;
        this.#drop(this.#socket, { reason: 'resume_mismatch' });
        return;
      }
    } else if (frame.snapshot && typeof frame.snapshot === 'object') {
      this.#applySnapshot(frame.snapshot, frame.version);
      if (socket !== this.#socket) return; // a listener closed the client
    } else {
      this.#drop(this.#socket, { reason: 'bad_welcome' });
      return;
    }
    this.#resumeDisabled = false;
    this.#sessionId = frame.sessionId ?? null;
    if ('permission' in frame) this.#permission = frame.permission;
    if ('tokenExpiresAt' in frame) this.#tokenExpiresAt = frame.tokenExpiresAt;
    this.#joinedAt = Date.now();
    const interval = Number(frame.heartbeat?.intervalMs);
    const idle = Number(frame.heartbeat?.idleTimeoutMs);
    this.#heartbeat = {
      intervalMs: interval > 0 ? interval : 15000,
      idleTimeoutMs: idle > 0 ? idle : 45000,
    };
    this.#setStatus('joined', { resumed: frame.resumed === true, version: this.#version, sessionId: this.#sessionId });
    if (socket !== this.#socket) return; // a listener closed the client
    this.#scheduleHeartbeat();
    // everything not answered on the last connection goes again, same id and same content
    this.#flush();
    this.#pumpCursor();
  }

  #applySnapshot(snapshot, version) {
    const members = new Map();
    for (const member of Array.isArray(snapshot.members) ? snapshot.members : []) {
      members.set(member.userId, deepFreeze({ ...member }));
    }
    this.#members = members;
    const keys = new Set(this.#visible.keys());
    this.#confirmed = new Map();
    for (const [key, entry] of Object.entries(snapshot.state ?? {})) {
      this.#confirmed.set(key, deepFreeze({ ...entry }));
      keys.add(key);
    }
    const chat = Array.isArray(snapshot.chat) ? snapshot.chat : [];
    this.#chat = deepFreeze(chat.slice(-this.#options.chatHistory));
    this.#cursors.clear();
    this.#version = Number.isSafeInteger(version) ? version : snapshot.version;
    const before = this.#visibility;
    this.#visibility = visibilityOf(snapshot.visibility);
    const changes = this.#recompute(keys, 'server');
    this.#emit('snapshot', {
      version: this.#version,
      members: [...this.#members.values()],
      state: Object.fromEntries(this.#visible),
      messages: this.#chat,
      visibility: this.#visibility,
    });
    for (const change of changes) this.#emit('state', change);
    // as for state: a listener of `visibility` sees every change, one missed while away included
    if (!sameJson(before, this.#visibility)) this.#emit('visibility', Object.freeze({ ...this.#visibility, version: this.#version }));
    this.#changed();
  }

  #onEvent(event) {
    if (this.#version === null) return;
    const version = event.version;
    if (!Number.isSafeInteger(version) || version <= this.#version) return; // duplicate (or garbage)
    if (version !== this.#version + 1) {
      // a gap: never apply out of order; resume from the last version applied
      this.#emit('error', new ParleyError('gap', `event ${version} arrived after ${this.#version}; resuming`));
      this.#drop(this.#socket, { reason: 'gap' });
      return;
    }
    this.#version = version;
    const emits = [];
    const { userId, at } = event;
    const member = this.#members.get(userId);
    const updateMember = (fields) => {
      const current = this.#members.get(userId);
      const updated = deepFreeze({ ...(current ?? { userId }), ...fields });
      this.#members.set(userId, updated);
      return updated;
    };
    const dropCursors = (matches) => {
      for (const [sessionId, cursor] of this.#cursors) if (matches(sessionId, cursor)) this.#cursors.delete(sessionId);
    };
    switch (event.kind) {
      case 'member.joined': {
        const joined = updateMember({
          name: event.name,
          color: event.color,
          status: 'online',
          joinedAt: at,
          lastSeen: at,
          document: null,
          ready: false,
          sessions: 1,
        });
        emits.push(['presence', { type: 'joined', userId, member: joined }]);
        break;
      }
      case 'session.opened': {
        const wasAway = member?.status === 'away';
        const fields = { name: event.name, color: event.color, status: 'online', sessions: (member?.sessions ?? 0) + 1, lastSeen: at };
        const current = this.#members.get(userId);
        const { awaySince, ...rest } = current ?? { userId, joinedAt: at, document: null, ready: false };
        this.#members.set(userId, deepFreeze({ ...rest, ...fields }));
        emits.push(['presence', { type: wasAway ? 'status' : 'sessions', userId, member: this.#members.get(userId) }]);
        break;
      }
      case 'session.closed': {
        const updated = updateMember({ sessions: Math.max(0, (member?.sessions ?? 1) - 1), lastSeen: at });
        dropCursors((sessionId) => sessionId === event.sessionId);
        emits.push(['presence', { type: 'sessions', userId, member: updated }]);
        break;
      }
      case 'member.away': {
        const updated = updateMember({ sessions: 0, status: 'away', awaySince: at, lastSeen: at });
        dropCursors((sessionId, cursor) => sessionId === event.sessionId || cursor.userId === userId);
        emits.push(['presence', { type: 'status', userId, member: updated }]);
        break;
      }
      case 'member.left': {
        this.#members.delete(userId);
        dropCursors((sessionId, cursor) => cursor.userId === userId);
        emits.push(['presence', { type: 'left', userId, reason: event.reason, member: member ?? null }]);
        break;
      }
      case 'member.ready': {
        const updated = updateMember({ ready: event.ready === true, lastSeen: at });
        emits.push(['presence', { type: 'ready', userId, member: updated }]);
        break;
      }
      case 'member.focused': {
        const updated = updateMember({ document: event.document ?? null, lastSeen: at });
        emits.push(['presence', { type: 'focus', userId, member: updated }]);
        break;
      }
      case 'state.changed': {
        const keys = new Set();
        for (const op of Array.isArray(event.ops) ? event.ops : []) {
          keys.add(op.key);
          if (op.op === 'set') {
            this.#confirmed.set(op.key, deepFreeze({ value: op.value, version, updatedBy: userId, updatedAt: at }));
          } else if (op.op === 'delete') {
            this.#confirmed.delete(op.key);
          }
        }
        this.#ownEventArrived(event);
        if (member) updateMember({ lastSeen: at });
        for (const change of this.#recompute(keys, 'server')) emits.push(['state', change]);
        break;
      }
      case 'chat.posted': {
        const message = deepFreeze({ ...event.message });
        const chat = [...this.#chat, message];
        if (chat.length > this.#options.chatHistory) chat.splice(0, chat.length - this.#options.chatHistory);
        this.#chat = Object.freeze(chat);
        if (member) updateMember({ lastSeen: at });
        emits.push(['chat', message]);
        break;
      }
      case 'room.visibility': {
        this.#visibility = visibilityOf(event);
        if (member) updateMember({ lastSeen: at });
        emits.push(['visibility', Object.freeze({ ...this.#visibility, version, userId })]);
        break;
      }
      default:
        if (member) updateMember({ lastSeen: at });
        break;
    }
    this.#ownEventArrived(event);
    this.#emit('event', deepFreeze(event));
    for (const [type, payload] of emits) this.#emit(type, payload);
    this.#changed();
  }

  /** This client's own change is now in the confirmed state: its optimistic layer goes. */
  #ownEventArrived(event) {
    if (event.userId !== this.#options.user.id || typeof event.id !== 'string') return;
    const command = this.#pending.get(event.id);
    if (command) command.overlay = false;
  }

  #onAck(frame) {
    const command = this.#pending.get(frame.id);
    if (!command) return;
    this.#pending.delete(frame.id);
    this.#settleOverlay(command, 'server');
    command.resolve({ id: command.id, version: frame.version });
  }

  #onReject(frame) {
    const command = this.#pending.get(frame.id);
    if (!command) return;
    if (RETRIED_REJECTS.has(frame.code) && command.retries < this.#options.commandRetries) {
      // the same command again, same id, once the server's hint has passed
      command.retries++;
      command.sent = false;
      const wait = Number.isFinite(frame.retryAfterMs) ? frame.retryAfterMs : retryHintIn(frame.message) ?? 0;
      this.#holdUntil = Math.max(this.#holdUntil, Date.now() + wait);
      this.#flush();
      return;
    }
    this.#pending.delete(frame.id);
    this.#settleOverlay(command, 'rollback');
    command.reject(
      new ParleyError(frame.code ?? 'rejected', frame.message ?? frame.code, {
        id: frame.id,
        ...(frame.retryAfterMs !== undefined ? { retryAfterMs: frame.retryAfterMs } : {}),
      }),
    );
  }

  #onError(frame) {
    const error = new ParleyError(frame.code ?? 'error', frame.message ?? frame.code, {
      ...(frame.field !== undefined ? { field: frame.field } : {}),
      ...(frame.id !== undefined ? { id: frame.id } : {}),
      ...(frame.retryAfterMs !== undefined ? { retryAfterMs: frame.retryAfterMs } : {}),
    });
    const command = typeof frame.id === 'string' ? this.#pending.get(frame.id) : undefined;
    if (command && frame.code !== 'protocol_order' && !CLOSING_ERRORS.has(frame.code)) {
      // the frame of this command could not be used: it will never be answered otherwise
      this.#pending.delete(frame.id);
      this.#settleOverlay(command, 'rollback');
      command.reject(error);
      return;
    }
    this.#emit('error', error);
    if (!CLOSING_ERRORS.has(frame.code)) return; // the connection goes on (refresh_refused, bad_frame…)
    const reason = frame.code === 'join_refused' ? String(frame.message ?? '').split(':')[0] || 'join_refused' : frame.code;
    if (frame.code === 'join_refused' && reason === 'validation') {
      this.#fatal = { reason: 'join_refused', code: 'join_refused', message: frame.message };
    }
    if (FINAL_ERRORS.has(frame.code)) {
      this.#fatal = { reason: frame.code, code: frame.code, message: frame.message };
    }
    const hintMs = Number.isFinite(frame.retryAfterMs) ? frame.retryAfterMs : retryHintIn(frame.message);
    this.#hint = { delayMs: hintMs ?? 0, exact: false, reason, code: frame.code };
    if (frame.code === 'token_expired') this.#attempt = 0; // a fresh token is all it takes
    this.#drop(this.#socket, { reason, code: frame.code });
  }

  #onCursors(frame) {
    if (!Array.isArray(frame.cursors)) return;
    const cursors = [];
    for (const cursor of frame.cursors) {
      if (cursor?.sessionId === this.#sessionId) continue;
      const frozen = deepFreeze({ ...cursor });
      this.#cursors.set(cursor.sessionId, frozen);
      cursors.push(frozen);
    }
    if (cursors.length) this.#emit('cursors', cursors);
  }

  async #refreshToken() {
    const provider = this.#options.token;
    if (!provider || this.#refreshing) return;
    const socket = this.#socket;
    this.#refreshing = true;
    try {
      const token = await provider();
      if (socket === this.#socket && typeof token === 'string' && token !== '') {
        this.#sendOn(socket, JSON.stringify({ type: 'refresh', token }));
      }
    } catch (cause) {
      this.#emit('error', new ParleyError('token_provider', `the token provider failed: ${cause?.message ?? cause}`, { cause }));
    } finally {
      this.#refreshing = false;
    }
  }

  // ================================================================= commands out

  #command(type, fields, ops) {
    if (this.#status === 'closed' || this.#status === 'failed') {
      return Promise.reject(new ParleyError(this.#status, `the client is ${this.#status}; call connect() first`));
    }
    if (this.#pending.size >= this.#options.queueSize) {
      return Promise.reject(
        new ParleyError(
          'queue_full',
          `${this.#pending.size} commands are waiting for an answer (queueSize ${this.#options.queueSize}); this ${type} was not sent`,
        ),
      );
    }
    const id = `${this.#idPrefix}${++this.#counter}`;
    let frame;
    let localOps = null;
    try {
      frame = JSON.stringify({ type, id, ...fields });
      if (ops) {
        // a copy of the values as sent: later changes of the caller's objects change nothing here
        localOps = JSON.parse(JSON.stringify(ops)).map((op) => deepFreeze({ op: op.op, key: op.key, value: op.value }));
        const valid = (op) =>
          typeof op.key === 'string' && (op.op === 'delete' || (op.op === 'set' && op.value !== undefined));
        if (localOps.length === 0 || !localOps.every(valid)) {
          throw new TypeError('every op is {op: "set", key, value} or {op: "delete", key}');
        }
        // a frame nested deeper than the server reads is answered without its id: never sent
        if (localOps.some((op) => containerDepth(op.value) > this.#options.maxValueDepth)) {
          throw new TypeError(`a value is nested deeper than ${this.#options.maxValueDepth} levels`);
        }
      }
    } catch (cause) {
      return Promise.reject(new ParleyError('invalid_argument', `${type}: ${cause?.message ?? cause}`, { cause }));
    }
    if (utf8Length(frame) > MAX_FRAME_BYTES) {
      return Promise.reject(new ParleyError('frame_too_large', `${type}: the frame is larger than 64 KiB`));
    }
    return new Promise((resolve, reject) => {
      const command = { id, type, frame, ops: localOps, overlay: localOps !== null, sent: false, retries: 0, resolve, reject };
      this.#pending.set(id, command);
      if (localOps) {
        const changes = this.#recompute(new Set(localOps.map((op) => op.key)), 'local');
        for (const change of changes) this.#emit('state', change);
        if (changes.length) this.#changed();
      }
      this.#flush();
    });
  }

  /** Sends, in order, every command not sent on this connection, unless a retry hint holds them back. */
  #flush() {
    if (this.#status !== 'joined' || !this.#socket) return;
    const wait = this.#holdUntil - Date.now();
    if (wait > 0) {
      if (!this.#timers.flush) this.#setTimer('flush', wait, () => this.#flush());
      return;
    }
    for (const command of this.#pending.values()) {
      if (!command.sent) {
        command.sent = true;
        this.#sendOn(this.#socket, command.frame);
      }
    }
  }

  #settleOverlay(command, source) {
    const had = command.overlay;
    command.overlay = false;
    if (!command.ops) return;
    const changes = this.#recompute(new Set(command.ops.map((op) => op.key)), had ? source : 'server');
    for (const change of changes) this.#emit('state', change);
    if (changes.length) this.#changed();
  }

  #rejectAll(error) {
    const commands = [...this.#pending.values()];
    this.#pending.clear();
    this.#holdUntil = 0;
    const keys = new Set();
    for (const command of commands) for (const op of command.ops ?? []) keys.add(op.key);
    const changes = this.#recompute(keys, 'rollback');
    for (const command of commands) {
      const copy = new ParleyError(error.code, error.message, { id: command.id });
      command.reject(copy);
    }
    for (const change of changes) this.#emit('state', change);
    if (changes.length) this.#changed();
  }

  /** The entry of `key` as shown: the server's, with this client's unanswered changes on top. */
  #visibleEntry(key) {
    let entry = this.#confirmed.get(key);
    for (const command of this.#pending.values()) {
      if (!command.overlay) continue;
      for (const op of command.ops) {
        if (op.key !== key) continue;
        entry =
          op.op === 'set'
            ? Object.freeze({ value: op.value, version: entry?.version ?? 0, updatedBy: this.#options.user.id, updatedAt: null, pending: true })
            : undefined;
      }
    }
    return entry;
  }

  #recompute(keys, source) {
    const changes = [];
    for (const key of keys) {
      const before = this.#visible.get(key);
      const after = this.#visibleEntry(key);
      if (
        before === after ||
        (before &&
          after &&
          !!before.pending === !!after.pending &&
          // an unanswered change shows the same value whatever the server does underneath
          (before.pending || (before.version === after.version && before.updatedBy === after.updatedBy)) &&
          sameJson(before.value, after.value))
      ) {
        if (after) this.#visible.set(key, after);
        continue;
      }
      if (after) this.#visible.set(key, after);
      else this.#visible.delete(key);
      changes.push(
        Object.freeze({
          key,
          value: after?.value,
          version: after?.version ?? 0,
          deleted: after === undefined,
          pending: after?.pending === true || (after === undefined && this.#pendingDelete(key)),
          source,
          userId: after?.updatedBy,
        }),
      );
    }
    return changes;
  }

  #pendingDelete(key) {
    for (const command of this.#pending.values()) {
      if (command.overlay && command.ops.some((op) => op.key === key && op.op === 'delete')) return true;
    }
    return false;
  }

  #pumpCursor() {
    if (!this.#cursorLatest || this.#status !== 'joined' || !this.#socket || this.#timers.cursor) return;
    const wait = this.#cursorSentAt + this.#options.cursorIntervalMs - Date.now();
    if (wait > 0) {
      this.#setTimer('cursor', wait, () => this.#pumpCursor());
      return;
    }
    this.#cursorSentAt = Date.now();
    const cursor = this.#cursorLatest;
    this.#cursorLatest = null;
    this.#sendOn(this.#socket, JSON.stringify({ type: 'cursor', ...cursor }));
  }

  #sendOn(socket, text) {
    if (socket.readyState !== OPEN) return;
    try {
      socket.send(text);
      this.#lastSent = Date.now();
    } catch {
      // the close event follows
    }
  }

  // ================================================================= heartbeat and timers

  #scheduleHeartbeat() {
    const { intervalMs, idleTimeoutMs } = this.#heartbeat;
    const tick = Math.max(50, Math.min(intervalMs, idleTimeoutMs / 3) / 2);
    this.#setTimer('heartbeat', tick, () => {
      const socket = this.#socket;
      if (!socket || this.#status !== 'joined') return;
      const now = Date.now();
      if (now - this.#lastReceived > idleTimeoutMs) {
        // nothing, not even a pong, for the whole idle timeout: the connection is dead
        this.#drop(socket, { reason: 'idle' });
        return;
      }
      if (now - this.#lastSent >= intervalMs - tick) this.#sendOn(socket, '{"type":"ping"}');
      this.#scheduleHeartbeat();
    });
  }

  #setTimer(name, delayMs, callback) {
    this.#clearTimer(name);
    this.#timers[name] = setTimeout(() => {
      this.#timers[name] = null;
      callback();
    }, Math.max(0, delayMs));
  }

  #clearTimer(name) {
    if (this.#timers[name]) {
      clearTimeout(this.#timers[name]);
      this.#timers[name] = null;
    }
  }

  #stopConnectionTimers() {
    for (const name of ['heartbeat', 'connect', 'flush', 'cursor']) this.#clearTimer(name);
  }

  #stopTimers() {
    for (const name of Object.keys(this.#timers)) this.#clearTimer(name);
  }

  // ================================================================= events out

  #setStatus(status, detail) {
    this.#status = status;
    const payload = Object.freeze({ status, ...detail });
    this.#emit('status', payload);
    this.#emit(status, payload);
    this.#changed();
  }

  #changed() {
    this.#snapshot = null;
    this.#emit('change', undefined);
  }

  #emit(type, payload) {
    const listeners = this.#listeners.get(type);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try {
        listener(payload);
      } catch (error) {
        // a listener's bug must not break the client: report it as an uncaught error, later
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** `new ParleyClient(options)`. */
export function createClient(options) {
  return new ParleyClient(options);
}
