// The Parley demo page (served at / by the node; sdk/demo/ in the repository).
//
// One room: members with status, focused document and ready flag; a shared form whose fields
// show who is in them and refuse an edit made on top of someone else's (compare-and-set); a
// canvas of shapes anyone adds, moves and deletes (state keys shape:<id>); live cursors; chat;
// making the room public under a title, and the list of public rooms to join one from.
// Everything goes through the SDK the node serves (/sdk/parley.js).
//
// Every text that comes from a user (names, chat, field values) reaches the page through
// textContent, value or setAttribute of a non-script attribute: never innerHTML.
//
// Query parameters: ?room=<id>&name=<name> fill the join form (and ?join=1 joins at once);
// ?strict=1 mounts the room the way React StrictMode does in development (mount, unmount, mount
// in one tick): the page still opens exactly one WebSocket.
import { ParleyClient, publicRooms } from '/sdk/parley.js';

const ROOM_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const FIELDS = ['title', 'owner', 'priority', 'due'];
const FIELD_LABELS = { title: 'Title', owner: 'Owner', priority: 'Priority', due: 'Due' };
const BOARD = { width: 800, height: 400 };
const CURSOR_FADE_MS = 10000;
// the registry is eventually consistent (a second or two behind): the list refreshes itself
const PUBLIC_ROOMS_REFRESH_MS = 5000;
const PUBLIC_ROOMS_SHOWN = 200;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

/** Elements with text: the only way user data reaches the page. */
function el(tag, { className, text, attrs } = {}, children = []) {
  const node = tag.startsWith('svg:') ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  if (className) node.setAttribute('class', className);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

const safeColor = (color, fallback = '#888888') => (typeof color === 'string' && COLOR.test(color) ? color : fallback);

function randomId(length = 8) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((byte) => alphabet[byte % alphabet.length]).join('');
}

// =================================================================== tokens

/**
 * How this node issues tokens to this page: `development` (GET /v1/dev/token answers),
 * `production` (404: the endpoint does not exist; an app's backend issues tokens), `remote`
 * (403: a development node answers only pages on its own machine), or `unknown`.
 */
async function detectTokenMode() {
  try {
    const response = await fetch('/v1/dev/token?userId=demo-probe&ttl=1', { cache: 'no-store' });
    if (response.ok) return 'development';
    if (response.status === 404) return 'production';
    if (response.status === 403) return 'remote';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A token provider for the SDK: development tokens, cached until shortly before they expire. */
function developmentTokens(user) {
  let cached = null;
  return async () => {
    if (cached && cached.expiresAt - Date.now() > 120000) return cached.token;
    const query = new URLSearchParams({ userId: user.id, name: user.name, ttl: '3600' });
    if (user.color) query.set('color', user.color);
    const response = await fetch(`/v1/dev/token?${query}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`GET /v1/dev/token answered ${response.status}`);
    const body = await response.json();
    cached = { token: body.token, expiresAt: Date.parse(body.expiresAt) || Date.now() + 3600000 };
    return cached.token;
  };
}

/**
 * The token to list the public rooms with (any valid one may): a read-only development token,
 * cached until shortly before it expires, or the pasted one; none otherwise.
 */
function listTokens() {
  let cached = null;
  return async () => {
    if (tokenMode !== 'development') return $('token-input').value.trim() || undefined;
    if (cached && cached.expiresAt - Date.now() > 30000) return cached.token;
    const response = await fetch('/v1/dev/token?userId=demo-lobby&name=Lobby&rooms=*:read&ttl=300', { cache: 'no-store' });
    if (!response.ok) throw new Error(`GET /v1/dev/token answered ${response.status}`);
    const body = await response.json();
    cached = { token: body.token, expiresAt: Date.parse(body.expiresAt) || Date.now() + 300000 };
    return cached.token;
  };
}

/** The claims of a JWT, read without verifying it (the server verifies it). */
function claimsOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

function userIdFor(name) {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'user'}-${randomId(4)}`;
}

// =================================================================== the join form

let tokenMode = 'unknown';
let mounted = null; // {client, unmount}

const TOKEN_TEXT = {
  development:
    'Development mode: this node mints a token for you (GET /v1/dev/token, loopback clients only). ' +
    'It does not exist in production, where your app’s backend issues the tokens.',
  production:
    'This node runs in production mode: it has no development token endpoint. In an app, your backend ' +
    'signs a short-lived token for the signed-in user (see docs/AUTHENTICATION.md) and the page gives it to ' +
    'the SDK’s token option. To try this page, paste a token your backend issued for this room.',
  remote:
    'This node is in development mode, but its token endpoint answers only pages on its own machine. ' +
    'Open this page at http://127.0.0.1:<port>/ on that machine, or paste a token (on that machine: ' +
    'curl "http://127.0.0.1:<port>/v1/dev/token?userId=you&name=You").',
  unknown: 'Could not reach the token endpoint. Paste a token from your backend, or reload.',
};

function showTokenMode() {
  $('token-mode').textContent = TOKEN_TEXT[tokenMode];
  $('token-mode').dataset.mode = tokenMode;
  $('token-paste').hidden = tokenMode === 'development';
}

function joinError(message) {
  $('join-error').textContent = message;
  $('join-error').hidden = !message;
}

async function onJoin(event) {
  event.preventDefault();
  joinError('');
  const room = $('room-input').value.trim();
  if (!ROOM_ID.test(room)) return joinError('The room id is 1-64 letters, digits and . _ : @ -, starting with a letter or digit.');
  let name = $('name-input').value.trim();
  const color = safeColor($('color-input').value, undefined);
  let user;
  let token;
  if (tokenMode === 'development') {
    if (!name) return joinError('Enter your name.');
    if ([...name].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) return joinError('The name may not contain control characters.');
    const stored = JSON.parse(sessionStorage.getItem('parley-demo-user') ?? 'null');
    // the same tab keeps its user id: a reload comes back as the same member
    const id = stored?.name === name && stored?.color === color ? stored.id : userIdFor(name);
    user = { id, name, ...(color ? { color } : {}) };
    token = developmentTokens(user);
    $('join-button').disabled = true;
    try {
      await token(); // the first token now: a refusal (a name too long…) shows here
    } catch (error) {
      return joinError(`No token: ${error.message}`);
    } finally {
      $('join-button').disabled = false;
    }
    sessionStorage.setItem('parley-demo-user', JSON.stringify({ id, name, color }));
  } else {
    const pasted = $('token-input').value.trim();
    const claims = pasted ? claimsOf(pasted) : null;
    if (!claims || typeof claims.sub !== 'string') return joinError('Paste a token (a JWT with a sub claim).');
    name = typeof claims.name === 'string' ? claims.name : name;
    if (!name) return joinError('The token has no name claim: enter your name.');
    // the token's colour wins; sending another one would be refused as identity_mismatch
    const tokenColor = typeof claims.color === 'string' ? claims.color : undefined;
    user = { id: claims.sub, name, ...(tokenColor ? { color: tokenColor } : color ? { color } : {}) };
    token = async () => pasted;
  }
  const url = new URL(location.href);
  url.searchParams.set('room', room);
  history.replaceState(null, '', url);
  enterRoom({ room, user, token });
}

function enterRoom(options) {
  mounted?.unmount();
  $('join').hidden = true;
  $('room').hidden = false;
  $('leave').hidden = false;
  document.title = `Parley demo · ${options.room}`;
  mounted = mountRoom(options, { strict: params.get('strict') === '1' });
  // for the developer console and the browser tests: the client, and every status it went through
  window.parleyDemo = { client: mounted.client, tokenMode, statuses: mounted.statuses };
}

function leaveRoom() {
  mounted?.unmount();
  mounted = null;
  window.parleyDemo = { client: null, tokenMode };
  $('room').hidden = true;
  $('leave').hidden = true;
  $('join').hidden = false;
  setStatus({ status: 'idle' }, null);
  loadPublicRooms();
}

// =================================================================== the public room list

const listToken = listTokens();
let publicRoomsLoading = null;

/** Loads the public rooms (page after page, up to PUBLIC_ROOMS_SHOWN) into the join screen's list. */
function loadPublicRooms() {
  // a click on refresh while a load runs waits for that one instead of racing it
  publicRoomsLoading ??= showPublicRooms().finally(() => (publicRoomsLoading = null));
  return publicRoomsLoading;
}

async function showPublicRooms() {
  const note = $('public-rooms-note');
  const rooms = [];
  let more = false;
  try {
    let after = null;
    do {
      const page = await publicRooms({ token: listToken, after, limit: 100 });
      rooms.push(...page.rooms);
      after = page.next;
    } while (after !== null && rooms.length < PUBLIC_ROOMS_SHOWN);
    more = after !== null;
  } catch (error) {
    $('public-room-list').replaceChildren();
    note.textContent =
      error.status === 401
        ? 'The list needs a token: paste one above to see the public rooms.'
        : `The public rooms could not be loaded: ${error.message}`;
    return;
  }
  note.textContent = rooms.length === 0 ? 'No public rooms right now.' : more ? `The first ${rooms.length} public rooms.` : '';
  const items = [];
  for (const entry of rooms.slice(0, PUBLIC_ROOMS_SHOWN)) {
    const button = el('button', { text: entry.title, attrs: { type: 'button', class: 'link' } });
    button.addEventListener('click', () => pickPublicRoom(entry.roomId));
    const members = `${entry.members} ${entry.members === 1 ? 'member' : 'members'}`;
    items.push(el('li', { attrs: { 'data-room-id': entry.roomId } }, [button, el('span', { className: 'hint', text: ` ${entry.roomId} · ${members}` })]));
  }
  $('public-room-list').replaceChildren(...items);
}

/** A room picked from the list: joins it when the form has what a join needs, else fills it in. */
function pickPublicRoom(roomId) {
  $('room-input').value = roomId;
  const ready = tokenMode === 'development' ? $('name-input').value.trim() !== '' : $('token-input').value.trim() !== '';
  if (ready) $('join-form').requestSubmit();
  else (tokenMode === 'development' ? $('name-input') : $('token-input')).focus();
}

// =================================================================== the header

function setStatus(detail, client) {
  const status = $('status');
  status.dataset.status = detail.status;
  let text = detail.status;
  if (detail.status === 'joined') text = detail.resumed ? 'connected (resumed)' : 'connected';
  else if (detail.status === 'reconnecting') text = `reconnecting in ${(detail.delayMs / 1000).toFixed(1)} s (${detail.reason})`;
  else if (detail.status === 'failed') text = `failed: ${detail.code ?? detail.reason}`;
  else if (detail.status === 'idle') text = 'not connected';
  status.textContent = text;
  $('version').textContent = client?.version != null ? `version ${client.version}` : '';
  const banner = $('banner');
  if (detail.status === 'reconnecting' || detail.status === 'connecting') {
    banner.textContent = navigator.onLine
      ? 'Connection lost: reconnecting. Your changes are kept and sent when it is back.'
      : 'You are offline. Your changes are kept and sent when the connection is back.';
    banner.hidden = client?.version == null && detail.status === 'connecting';
  } else if (detail.status === 'failed') {
    banner.textContent =
      detail.code === 'identity_mismatch'
        ? 'The server refused the join: the name or colour differ from the token’s.'
        : `Parley stopped trying: ${detail.message ?? detail.reason}`;
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
}

// =================================================================== the room

/**
 * Mounts the room view on a new client, like a React effect: returns {client, unmount}. With
 * `strict`, the effect runs, is cleaned up and runs again in the same tick, as React StrictMode
 * does in development; the SDK's connect() still opens one socket.
 */
function mountRoom({ room, user, token }, { strict = false } = {}) {
  const client = new ParleyClient({ room, user, token, reconnect: { baseMs: 500, capMs: 5000 } });
  const statuses = [];
  client.on('status', (detail) => statuses.push(detail));
  const effect = () => {
    const view = new RoomView(client);
    client.connect();
    return () => {
      view.dispose();
      client.close();
    };
  };
  let cleanup = effect();
  if (strict) {
    cleanup();
    cleanup = effect();
  }
  return { client, statuses, unmount: () => cleanup() };
}

class RoomView {
  #client;
  #offs = [];
  #names = new Map(); // userId -> name, members who left included (chat authors)
  #renderQueued = false;
  #editing = new Map(); // field -> {base, dirty}
  #blurTimer = null;
  #focused = null; // the document this member last declared, as JSON
  #noteTimer = null;
  #readyPending = null; // the ready flag asked for and not answered yet
  #selectedShape = null;
  #drag = null;
  #cursorSeen = new Map(); // sessionId -> last time its cursor moved
  #cursorTimer = null;
  #chatItems = new Map(); // message id -> li
  #visibilityPending = false; // a setVisibility not answered yet
  #shownVisibility = null; // the visibility the title field was last filled from, as JSON

  constructor(client) {
    this.#client = client;
    const on = (type, listener) => this.#offs.push(client.on(type, listener));
    on('status', (detail) => {
      setStatus(detail, client);
      if (detail.status === 'joined') this.#applyPermission();
    });
    on('change', () => this.#queueRender());
    on('snapshot', () => this.#renderChat(true));
    on('chat', () => this.#renderChat(false));
    on('cursors', (cursors) => {
      const now = Date.now();
      for (const cursor of cursors) this.#cursorSeen.set(cursor.sessionId, now);
      this.#renderCursors();
    });
    on('presence', () => this.#renderCursors());
    on('permission', () => this.#applyPermission());
    on('state', (change) => {
      if (change.key.startsWith('form:')) this.#onFieldChanged(change);
    });

    // a browser that goes offline keeps the socket open but carries nothing through it until the
    // heartbeat gives up (45 s): drop it at once, and try again as soon as it is back
    const offline = () => client.reconnectNow();
    const online = () => client.reconnectNow();
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    this.#offs.push(() => window.removeEventListener('offline', offline), () => window.removeEventListener('online', online));

    this.#wireForm();
    this.#wireCanvas();
    this.#wireChat();
    this.#wireReady();
    this.#wireVisibility();
    this.#cursorTimer = setInterval(() => this.#renderCursors(), 2000);
    this.#offs.push(() => clearInterval(this.#cursorTimer));
    this.#renderChat(true);
    this.#render();
  }

  dispose() {
    for (const off of this.#offs.splice(0)) off();
    clearTimeout(this.#blurTimer);
    clearTimeout(this.#noteTimer);
  }

  /** Adds a DOM listener that dispose() removes. */
  #listen(target, type, listener, options) {
    target.addEventListener(type, listener, options);
    this.#offs.push(() => target.removeEventListener(type, listener, options));
  }

  #queueRender() {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    setTimeout(() => {
      this.#renderQueued = false;
      this.#render();
    }, 0);
  }

  #render() {
    const client = this.#client;
    for (const member of client.members.values()) this.#names.set(member.userId, member.name);
    $('version').textContent = client.version != null ? `version ${client.version}` : '';
    this.#renderMembers();
    this.#renderFields();
    this.#renderShapes();
    this.#renderVisibility();
  }

  #applyPermission() {
    const readOnly = this.#client.permission === 'read';
    for (const control of document.querySelectorAll('#fields input, #fields select, #chat-input, #chat-form button, #add-square, #add-circle')) {
      control.disabled = readOnly;
    }
    if (readOnly) $('canvas-note').textContent = 'Read-only token: you can watch, set ready and focus, not change anything.';
    this.#renderVisibility();
  }

  // ----------------------------------------------------------------- public or private

  #wireVisibility() {
    $('visibility-error').hidden = true;
    this.#listen($('visibility-form'), 'submit', (event) => {
      event.preventDefault();
      this.#changeVisibility({ public: true, title: $('visibility-title').value.trim() });
    });
    this.#listen($('make-private'), 'click', () => this.#changeVisibility({ public: false }));
  }

  #changeVisibility(visibility) {
    const error = $('visibility-error');
    error.hidden = true;
    this.#visibilityPending = true;
    this.#renderVisibility();
    this.#client
      .setVisibility(visibility)
      .catch((refused) => {
        // the server's words: field `title`, "is longer than 100 characters"…
        error.textContent = refused.field ? `Not changed: the ${refused.field} ${refused.message}.` : `Not changed: ${refused.code}: ${refused.message}`;
        error.hidden = false;
      })
      .finally(() => {
        this.#visibilityPending = false;
        this.#renderVisibility();
      });
  }

  #renderVisibility() {
    const client = this.#client;
    const { public: listed, title } = client.visibility;
    const state = $('visibility-state');
    state.dataset.public = String(listed);
    state.textContent = listed ? `Public, listed as “${title}”.` : 'Private: not in the public room list.';
    const input = $('visibility-title');
    const shown = JSON.stringify(client.visibility);
    // a change (anyone's) shows its title, unless the user is typing one
    if (shown !== this.#shownVisibility && document.activeElement !== input) {
      this.#shownVisibility = shown;
      input.value = title ?? '';
    }
    // only a writer may change it (the server refuses anyone else with forbidden)
    const readOnly = client.permission === 'read';
    input.disabled = readOnly;
    $('make-public').textContent = listed ? 'Rename' : 'Make public';
    $('make-public').disabled = readOnly || this.#visibilityPending;
    $('make-private').disabled = readOnly || !listed || this.#visibilityPending;
  }

  // ----------------------------------------------------------------- members

  #renderMembers() {
    const client = this.#client;
    const list = $('member-list');
    const items = [];
    for (const member of client.members.values()) {
      const color = safeColor(member.color);
      const swatch = el('span', { className: 'swatch' });
      swatch.style.setProperty('background', color);
      const doc = member.document;
      const focus = doc ? `on ${doc.id} (${doc.type})` : 'no document';
      const parts = [
        swatch,
        el('span', { className: 'who' }, [
          el('span', { className: 'name', text: member.name ?? member.userId }),
          ...(member.userId === client.userId ? [el('span', { className: 'you', text: ' (you)' })] : []),
        ]),
        el('span', { className: 'details' }, [
          el('span', { className: `status-badge ${member.status}`, text: member.status === 'away' ? 'away' : 'online' }),
          el('span', { className: `ready ${member.ready ? 'yes' : 'no'}`, text: member.ready ? 'ready' : 'not ready' }),
          ...(member.sessions > 1 ? [el('span', { className: 'sessions', text: `${member.sessions} tabs` })] : []),
          el('span', { className: 'focus', text: focus }),
        ]),
      ];
      items.push(
        el(
          'li',
          { attrs: { 'data-user-id': member.userId, 'data-status': member.status, 'data-ready': String(Boolean(member.ready)) } },
          parts,
        ),
      );
    }
    list.replaceChildren(...items);
    const me = client.members.get(client.userId);
    $('ready').checked = this.#readyPending ?? Boolean(me?.ready);
  }

  #wireReady() {
    this.#listen($('ready'), 'change', (event) => {
      const ready = event.target.checked;
      this.#readyPending = ready;
      this.#client
        .ready(ready)
        .catch((error) => this.#note(`ready: ${error.code}`))
        .finally(() => {
          if (this.#readyPending === ready) this.#readyPending = null;
          this.#queueRender();
        });
    });
  }

  // ----------------------------------------------------------------- focus

  /** Declares the document this member looks at (once per change; null: nothing). */
  #focus(document) {
    clearTimeout(this.#blurTimer);
    const json = JSON.stringify(document);
    if (json === this.#focused) return;
    this.#focused = json;
    this.#client.focus(document).catch((error) => {
      this.#focused = null;
      this.#note(`focus: ${error.code} ${error.message}`);
    });
  }

  #unfocusSoon() {
    clearTimeout(this.#blurTimer);
    // moving from one field to the next is one focus change, not two; leaving a field for the
    // canvas is the canvas's focus
    this.#blurTimer = setTimeout(() => {
      if (this.#focused?.includes('"form-field"')) this.#focus(null);
    }, 300);
  }

  // ----------------------------------------------------------------- the shared form

  #input(field) {
    return document.querySelector(`#fields [data-field="${field}"] [data-field]`);
  }

  #fieldBox(field) {
    return document.querySelector(`#fields .field[data-field="${field}"]`);
  }

  #wireForm() {
    for (const field of FIELDS) {
      const input = this.#input(field);
      this.#listen(input, 'focus', () => this.#focus({ id: `form:${field}`, type: 'form-field' }));
      this.#listen(input, 'blur', () => this.#unfocusSoon());
      this.#listen(input, 'input', () => {
        const editing = this.#editing.get(field);
        // compare-and-set against the version shown when this edit began
        if (!editing?.dirty) this.#editing.set(field, { base: this.#client.versionOf(`form:${field}`), dirty: true });
      });
      this.#listen(input, 'change', () => this.#commitField(field));
      if (input.tagName === 'INPUT') {
        this.#listen(input, 'keydown', (event) => {
          if (event.key === 'Enter') input.blur();
          if (event.key === 'Escape') {
            this.#editing.delete(field);
            input.value = this.#valueOf(field);
            input.blur();
          }
        });
      }
    }
  }

  #valueOf(field) {
    const value = this.#client.state.get(`form:${field}`)?.value;
    return typeof value === 'string' ? value : '';
  }

  #commitField(field, { force = false } = {}) {
    const input = this.#input(field);
    const value = input.value;
    const editing = this.#editing.get(field);
    this.#editing.delete(field);
    const key = `form:${field}`;
    const expect = force || !editing ? this.#client.versionOf(key) : editing.base;
    if (!force && value === this.#valueOf(field)) return;
    this.#showConflict(field, null);
    this.#client.set(key, value, { expect }).catch((error) => {
      if (error.code === 'conflict') this.#showConflict(field, value);
      else this.#note(`${FIELD_LABELS[field]}: ${error.code} ${error.message}`);
    });
  }

  #showConflict(field, mine) {
    const box = this.#fieldBox(field);
    const note = box.querySelector('.conflict-note');
    box.classList.toggle('conflict', mine !== null);
    note.hidden = mine === null;
    if (mine === null) return note.replaceChildren();
    const entry = this.#client.state.get(`form:${field}`);
    const who = entry ? this.#names.get(entry.updatedBy) ?? entry.updatedBy : 'someone';
    const apply = el('button', { text: 'Use mine anyway', attrs: { type: 'button', class: 'small' } });
    apply.addEventListener('click', () => {
      this.#input(field).value = mine;
      this.#commitField(field, { force: true });
    });
    const dismiss = el('button', { text: 'Keep theirs', attrs: { type: 'button', class: 'small' } });
    dismiss.addEventListener('click', () => this.#showConflict(field, null));
    note.replaceChildren(
      el('strong', { text: 'Conflict: ' }),
      document.createTextNode(`${who} changed ${FIELD_LABELS[field]} while you were editing. Yours, `),
      el('q', { className: 'mine', text: mine }),
      document.createTextNode(', was not applied. '),
      apply,
      dismiss,
    );
  }

  #onFieldChanged(change) {
    const field = change.key.slice('form:'.length);
    if (!FIELDS.includes(field)) return;
    const input = this.#input(field);
    // a field being edited keeps the user's text; the save then finds out about the conflict
    if (this.#editing.get(field)?.dirty && document.activeElement === input) return;
    const value = typeof change.value === 'string' ? change.value : '';
    if (input.value !== value) input.value = value;
  }

  #renderFields() {
    const client = this.#client;
    for (const field of FIELDS) {
      const box = this.#fieldBox(field);
      const input = this.#input(field);
      const editing = this.#editing.get(field)?.dirty && document.activeElement === input;
      if (!editing && input.value !== this.#valueOf(field)) input.value = this.#valueOf(field);
      const entry = client.state.get(`form:${field}`);
      const by = box.querySelector('.by');
      by.textContent = entry
        ? entry.pending
          ? 'saving…'
          : `set by ${this.#names.get(entry.updatedBy) ?? entry.updatedBy} · v${entry.version}`
        : '';
      const selectors = box.querySelector('.selectors');
      const badges = [];
      for (const member of client.members.values()) {
        if (member.userId === client.userId || member.document?.id !== `form:${field}`) continue;
        const badge = el('span', { className: 'selector', text: member.name ?? member.userId, attrs: { 'data-user-id': member.userId } });
        badge.style.setProperty('--member-color', safeColor(member.color));
        badges.push(badge);
      }
      selectors.replaceChildren(...badges);
      box.classList.toggle('selected-by-others', badges.length > 0);
      if (badges.length) box.style.setProperty('--member-color', badges[0].style.getPropertyValue('--member-color'));
    }
  }

  // ----------------------------------------------------------------- the canvas

  #point(event) {
    const svg = $('board');
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(svg.getScreenCTM().inverse());
    return { x: Math.round(Math.min(BOARD.width, Math.max(0, local.x))), y: Math.round(Math.min(BOARD.height, Math.max(0, local.y))) };
  }

  #wireCanvas() {
    const svg = $('board');
    this.#listen(svg, 'pointerenter', () => this.#focus({ id: 'canvas', type: 'canvas' }));
    this.#listen(svg, 'pointermove', (event) => {
      const { x, y } = this.#point(event);
      if (this.#client.permission !== 'read') this.#client.cursor(x, y, 'canvas');
      if (this.#drag) {
        this.#drag.x = x - this.#drag.dx;
        this.#drag.y = y - this.#drag.dy;
        this.#drag.node.setAttribute('transform', `translate(${this.#drag.x} ${this.#drag.y})`);
      }
    });
    this.#listen(svg, 'pointerdown', (event) => {
      const node = event.target.closest('[data-key]');
      this.#select(node?.dataset.key ?? null);
      if (!node || this.#client.permission === 'read') return;
      const entry = this.#client.state.get(node.dataset.key);
      if (!entry) return;
      const { x, y } = this.#point(event);
      this.#drag = { key: node.dataset.key, node, base: this.#client.versionOf(node.dataset.key), value: entry.value, dx: x - entry.value.x, dy: y - entry.value.y, x: entry.value.x, y: entry.value.y };
      svg.setPointerCapture?.(event.pointerId);
    });
    const drop = () => {
      const drag = this.#drag;
      this.#drag = null;
      if (!drag || (drag.x === drag.value.x && drag.y === drag.value.y)) return;
      // expect: a shape deleted (or moved) by someone else meanwhile is not brought back
      this.#client.set(drag.key, { ...drag.value, x: drag.x, y: drag.y }, { expect: drag.base }).catch((error) => {
        if (error.code === 'conflict') this.#note('Someone else moved or deleted that shape meanwhile: your move was undone.');
        else this.#note(`move: ${error.code}`);
      });
      this.#queueRender();
    };
    this.#listen(svg, 'pointerup', drop);
    this.#listen(svg, 'pointercancel', drop);
    this.#listen($('add-square'), 'click', () => this.#addShape('square'));
    this.#listen($('add-circle'), 'click', () => this.#addShape('circle'));
    this.#listen($('delete-shape'), 'click', () => this.#deleteSelected());
    this.#listen(document, 'keydown', (event) => {
      if ((event.key === 'Delete' || event.key === 'Backspace') && this.#selectedShape && !event.target.closest('input, textarea, select')) {
        this.#deleteSelected();
      }
    });
  }

  #addShape(kind) {
    const key = `shape:${randomId(10)}`;
    const me = this.#client.members.get(this.#client.userId);
    const value = {
      kind,
      x: 60 + Math.floor(Math.random() * (BOARD.width - 120)),
      y: 60 + Math.floor(Math.random() * (BOARD.height - 120)),
      size: 56,
      color: safeColor(me?.color, '#1e90ff'),
      by: this.#client.userId,
    };
    this.#client.set(key, value, { expect: 0 }).catch((error) => this.#note(`add: ${error.code}`));
    this.#select(key);
  }

  #deleteSelected() {
    const key = this.#selectedShape;
    if (!key) return;
    this.#select(null);
    this.#client.delete(key, { expect: this.#client.versionOf(key) }).catch((error) => {
      if (error.code === 'conflict') this.#note('Someone else changed that shape meanwhile: it was not deleted.');
      else this.#note(`delete: ${error.code}`);
    });
  }

  #select(key) {
    this.#selectedShape = key;
    $('delete-shape').disabled = !key || this.#client.permission === 'read';
    for (const node of document.querySelectorAll('#shapes [data-key]')) node.classList.toggle('selected', node.dataset.key === key);
  }

  #renderShapes() {
    const layer = $('shapes');
    const shapes = [...this.#client.state.entries()]
      .filter(([key, entry]) => key.startsWith('shape:') && entry.value && typeof entry.value === 'object')
      .sort((a, b) => (a[1].version || Infinity) - (b[1].version || Infinity));
    const existing = new Map([...layer.children].map((node) => [node.dataset.key, node]));
    const nodes = [];
    for (const [key, entry] of shapes) {
      const value = entry.value;
      const x = Number.isFinite(value.x) ? value.x : 0;
      const y = Number.isFinite(value.y) ? value.y : 0;
      const size = Number.isFinite(value.size) ? Math.min(200, Math.max(8, value.size)) : 56;
      let node = existing.get(key);
      if (!node || node.dataset.kind !== value.kind) {
        node = el('svg:g', { attrs: { 'data-key': key, 'data-kind': String(value.kind) } });
        const shape =
          value.kind === 'circle'
            ? el('svg:circle', { attrs: { cx: '0', cy: '0' } })
            : el('svg:rect', { attrs: { rx: '6' } });
        node.append(shape, el('svg:title'));
      }
      const shape = node.firstChild;
      if (value.kind === 'circle') shape.setAttribute('r', String(size / 2));
      else {
        shape.setAttribute('x', String(-size / 2));
        shape.setAttribute('y', String(-size / 2));
        shape.setAttribute('width', String(size));
        shape.setAttribute('height', String(size));
      }
      shape.setAttribute('fill', safeColor(value.color));
      node.lastChild.textContent = `${value.kind === 'circle' ? 'circle' : 'square'} added by ${this.#names.get(value.by) ?? value.by ?? '?'}`;
      if (this.#drag?.key !== key) node.setAttribute('transform', `translate(${x} ${y})`);
      node.classList.toggle('pending', entry.pending === true);
      node.classList.toggle('selected', key === this.#selectedShape);
      nodes.push(node);
    }
    layer.replaceChildren(...nodes);
    if (this.#selectedShape && !this.#client.state.has(this.#selectedShape)) this.#select(null);
  }

  #note(text) {
    const note = $('canvas-note');
    note.textContent = text;
    clearTimeout(this.#noteTimer);
    this.#noteTimer = setTimeout(() => (note.textContent = ''), 6000);
  }

  // ----------------------------------------------------------------- cursors

  #renderCursors() {
    const layer = $('cursors');
    const now = Date.now();
    const nodes = [];
    const existing = new Map([...layer.children].map((node) => [node.dataset.session, node]));
    for (const cursor of this.#client.cursors.values()) {
      if (cursor.document !== 'canvas' || !Number.isFinite(cursor.x) || !Number.isFinite(cursor.y)) continue;
      if (now - (this.#cursorSeen.get(cursor.sessionId) ?? 0) > CURSOR_FADE_MS) continue;
      const member = this.#client.members.get(cursor.userId);
      let node = existing.get(cursor.sessionId);
      if (!node) {
        node = el('svg:g', { className: 'cursor', attrs: { 'data-session': cursor.sessionId, 'data-user-id': cursor.userId } }, [
          el('svg:path', { attrs: { d: 'M0 0 L0 18 L5 13 L9 21 L12 20 L8 12 L14 12 Z' } }),
          el('svg:text', { attrs: { x: '14', y: '26' } }),
        ]);
      }
      const color = safeColor(member?.color);
      node.firstChild.setAttribute('fill', color);
      node.lastChild.setAttribute('fill', color);
      node.lastChild.textContent = member?.name ?? cursor.userId;
      node.setAttribute('transform', `translate(${cursor.x} ${cursor.y})`);
      nodes.push(node);
    }
    layer.replaceChildren(...nodes);
  }

  // ----------------------------------------------------------------- chat

  #wireChat() {
    this.#listen($('chat-form'), 'submit', (event) => {
      event.preventDefault();
      const input = $('chat-input');
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      const pending = el('li', { className: 'pending' }, [el('span', { className: 'author', text: 'sending…' }), el('span', { className: 'text', text })]);
      $('messages').append(pending);
      this.#client
        .chat(text)
        .then(() => pending.remove())
        .catch((error) => {
          pending.classList.add('failed');
          pending.firstChild.textContent = `not sent (${error.code})`;
        });
    });
  }

  #renderChat(all) {
    for (const member of this.#client.members.values()) this.#names.set(member.userId, member.name);
    const list = $('messages');
    if (all) {
      for (const item of this.#chatItems.values()) item.remove();
      this.#chatItems.clear();
    }
    const pendingItems = [...list.querySelectorAll('li.pending')];
    for (const message of this.#client.messages) {
      if (this.#chatItems.has(message.id)) continue;
      const at = new Date(message.at);
      const item = el('li', { attrs: { 'data-message-id': message.id, 'data-user-id': message.userId } }, [
        el('time', { text: Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString(), attrs: { datetime: String(message.at) } }),
        el('span', { className: 'author', text: this.#names.get(message.userId) ?? message.userId }),
        el('span', { className: 'text', text: message.text }),
      ]);
      this.#chatItems.set(message.id, item);
      list.insertBefore(item, pendingItems[0] ?? null);
    }
    list.scrollTop = list.scrollHeight;
  }
}

// =================================================================== start

async function start() {
  $('join-form').addEventListener('submit', onJoin);
  $('leave').addEventListener('click', leaveRoom);
  $('public-rooms-refresh').addEventListener('click', () => loadPublicRooms());
  $('token-input').addEventListener('change', () => loadPublicRooms());
  if (params.get('room')) $('room-input').value = params.get('room');
  if (params.get('name')) $('name-input').value = params.get('name');
  const palette = ['#1e90ff', '#e6194b', '#3cb44b', '#f58231', '#911eb4', '#008080', '#9a6324', '#800000', '#000075', '#f032e6'];
  const stored = JSON.parse(sessionStorage.getItem('parley-demo-user') ?? 'null');
  $('color-input').value = safeColor(params.get('color') ?? stored?.color, palette[Math.floor(Math.random() * palette.length)]);
  window.parleyDemo = { client: null, tokenMode };
  tokenMode = await detectTokenMode();
  window.parleyDemo.tokenMode = tokenMode;
  showTokenMode();
  await loadPublicRooms();
  // while the join screen shows it: a room made public or private elsewhere shows up by itself
  setInterval(() => {
    if (!$('join').hidden && document.visibilityState === 'visible') loadPublicRooms();
  }, PUBLIC_ROOMS_REFRESH_MS);
  document.body.dataset.ready = 'true';
  if (params.get('join') === '1' && $('name-input').value) $('join-form').requestSubmit();
}

start();
