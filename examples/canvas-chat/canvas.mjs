// A multiplayer canvas with chat, and the public room list to pick a room from.
//
// Every object is a state key `shape:<id>` with a small JSON value. Adding uses `expect: 0` (the
// id must be new), moving and deleting use `expect: <the version seen>`: a move of an object
// someone deleted meanwhile is refused (conflict) instead of bringing it back, and the SDK rolls
// the optimistic move back. Chat is the room's chat.
//
// The public room list comes from the public room registry, GET /v1/rooms?public=true, which
// another issue is building. Until a node has it, the endpoint answers 404 and the list is
// skipped (publicRooms() returns null).
//
// Run (against bin/parley): node --experimental-websocket examples/canvas-chat/canvas.mjs
import { randomBytes } from 'node:crypto';
import { join, freshRoom, until, isMain, runMain } from '../shared/parley.mjs';

/**
 * The public rooms, or null when the node has no registry (404). `fetchImpl` for tests.
 * The entries are returned as the registry sends them (a list, or `{rooms: [...]}`).
 */
export async function publicRooms({ httpUrl, token, fetchImpl = fetch }) {
  const response = await fetchImpl(`${httpUrl}/v1/rooms?public=true`, { headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`GET /v1/rooms?public=true answered ${response.status}`);
  const body = await response.json();
  return Array.isArray(body) ? body : Array.isArray(body?.rooms) ? body.rooms : [];
}

export class Canvas {
  #client;

  constructor(client) {
    this.#client = client;
  }

  get client() {
    return this.#client;
  }

  /** Adds a shape; resolves with its id once the room has it. */
  async add({ kind = 'rect', x, y, w = 40, h = 40, color = '#1e90ff' }) {
    const id = randomBytes(6).toString('hex');
    await this.#client.set(`shape:${id}`, { kind, x, y, w, h, color, by: this.#client.userId }, { expect: 0 });
    return id;
  }

  /**
   * Moves a shape; refused (`conflict`) if someone moved or deleted it since this client saw it.
   * `grab`: what `grab(id)` returned when the drag began (default: the shape as it is now).
   */
  move(id, x, y, grab = this.grab(id)) {
    if (!grab) return Promise.reject(new Error(`no shape ${id}`));
    return this.#client.set(`shape:${id}`, { ...grab.value, x, y }, { expect: grab.version });
  }

  /** The shape and its version, as a drag begins: {value, version}, or null. */
  grab(id) {
    const key = `shape:${id}`;
    const shape = this.#client.state.get(key);
    return shape ? { value: shape.value, version: this.#client.versionOf(key) } : null;
  }

  /** Deletes a shape; refused (`conflict`) if someone changed it since this client saw it. */
  remove(id) {
    const key = `shape:${id}`;
    return this.#client.delete(key, { expect: this.#client.versionOf(key) });
  }

  /** [{id, kind, x, y, w, h, color, by}] in the order they were last written. */
  shapes() {
    return [...this.#client.state]
      .filter(([key]) => key.startsWith('shape:'))
      .sort((a, b) => a[1].version - b[1].version)
      .map(([key, entry]) => ({ id: key.slice(6), ...entry.value }));
  }

  say(text) {
    return this.#client.chat(text);
  }

  /** The chat as lines `name: text` (text as sent: render it as text). */
  chat() {
    return this.#client.messages.map((m) => `${this.#client.members.get(m.userId)?.name ?? m.userId}: ${m.text}`);
  }
}

export async function scenario({ httpUrl, tokens, log, room = freshRoom('canvas') }) {
  const lobbyToken = await tokens('ann', 'Ann');
  const rooms = await publicRooms({ httpUrl, token: lobbyToken });
  if (rooms === null) log('public rooms: this node has no room registry yet (GET /v1/rooms?public=true answered 404): skipped');
  else log(`public rooms: ${rooms.map((r) => r.roomId ?? r.id ?? r).join(', ') || '(none)'}`);

  const ann = new Canvas(await join({ httpUrl, tokens, room, userId: 'ann', name: 'Ann' }));
  const bob = new Canvas(await join({ httpUrl, tokens, room, userId: 'bob', name: 'Bob' }));
  const settled = () =>
    until(() => ann.client.version === bob.client.version && !ann.client.pendingCommands && !bob.client.pendingCommands, { what: 'both in step' });
  log(`Ann and Bob draw in room "${room}"`);

  const sun = await ann.add({ kind: 'circle', x: 300, y: 60, w: 50, h: 50, color: '#f5b700' });
  const house = await ann.add({ kind: 'rect', x: 100, y: 200, w: 120, h: 90, color: '#b33f40' });
  await bob.say('nice house! moving the sun');
  await settled();
  await bob.move(sun, 420, 40);
  await settled();
  log(`  shapes: ${bob.shapes().map((s) => `${s.kind}@${s.x},${s.y}`).join(' ')}`);

  // at the same moment: Ann deletes the house, Bob drags it — Bob's move is refused, not applied
  const [removed, moved] = await Promise.allSettled([ann.remove(house), bob.move(house, 140, 210)]);
  await settled();
  log(`  Ann deletes the house (${removed.status}), Bob moves it at once (${moved.status === 'rejected' ? `refused: ${moved.reason.code}` : 'applied'})`);
  await ann.say(moved.status === 'rejected' ? 'sorry Bob, I deleted the house' : 'oops');
  await settled();
  log(`  shapes: ${ann.shapes().map((s) => `${s.kind}@${s.x},${s.y}`).join(' ')}`);
  for (const line of ann.chat()) log(`  chat  ${line}`);
  ann.client.close();
  bob.client.close();
  return { rooms, ann, bob, removed, moved, house };
}

if (isMain(import.meta.url)) runMain(scenario);
